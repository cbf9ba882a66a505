"""Faces in pictures: MediaPipe's short-range face detector (BlazeFace) in LiteRT, decoded in numpy.

1. The picture is scaled to fit 128×128, centred, the rest black (nothing is stretched).
2. The model gives, for each of 896 anchors, a score and a row: box centre and size, then six key points.
3. mlplay.ssd turns the rows that score at least 0.5 into boxes and merges overlapping ones (weighted
   non-maximum suppression), as it does for the palm detector.
4. Boxes and key points go back to the picture's pixels.

The model looks for faces within about two metres of a camera: a face should be at least a tenth of the picture's
long side. It finds a face turned sideways, and one cut by the picture's edge while about two thirds of it show;
a face cut in half is missed (docs/faces.md has the figures). Unlike the palm detector, a second pass over the
picture padded by its repeated edges found no more faces, so there is one pass.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import cv2
import numpy as np

from mlplay import ssd
from mlplay.errors import MlplayError

MODEL_FILE = "face_detection_short_range.tflite"
INPUT_SIZE = 128
STRIDES = (8, 16, 16, 16)  # MediaPipe's anchor options for the short-range model: 512 + 384 = 896 anchors
MIN_SCORE = 0.5
NMS_IOU = 0.3
KEYPOINTS = ("right eye", "left eye", "nose tip", "mouth", "right ear", "left ear")  # the person's own right and left


@dataclass
class Face:
    """One face in picture pixels: box (x0, y0, x1, y1), score, six key points (6, 2) in KEYPOINTS' order."""

    box: np.ndarray
    score: float
    keypoints: np.ndarray

    @property
    def side(self) -> float:
        """The box's longer side in pixels."""
        return float(max(self.box[2] - self.box[0], self.box[3] - self.box[1]))

    @property
    def centre(self) -> np.ndarray:
        return (self.box[:2] + self.box[2:]) / 2

    @property
    def roll(self) -> float:
        """How far the head is tilted (radians, clockwise on screen): the angle of the line from the right eye to
        the left eye (the person's right eye is on the picture's left)."""
        (rx, ry), (lx, ly) = self.keypoints[0], self.keypoints[1]
        return math.atan2(ly - ry, lx - rx)

    def inside(self, width: int, height: int) -> float:
        """The share of the box that lies inside a width×height picture."""
        x0, y0, x1, y1 = self.box
        w = max(0.0, min(x1, width) - max(x0, 0)) * max(0.0, min(y1, height) - max(y0, 0))
        return w / max((x1 - x0) * (y1 - y0), 1e-9)

    def pixels(self) -> list[int]:
        """The box as whole pixels, not clipped: it may reach past the picture's edge."""
        return [int(round(v)) for v in self.box]


def letterbox(picture: np.ndarray) -> tuple[np.ndarray, float, int, int]:
    """The picture scaled to fit an INPUT_SIZE square, centred, the rest black: (square BGR, scale, x offset,
    y offset)."""
    h, w = picture.shape[:2]
    k = INPUT_SIZE / max(w, h)
    sw, sh = max(1, round(w * k)), max(1, round(h * k))
    small = cv2.resize(picture, (sw, sh), interpolation=cv2.INTER_AREA if k < 1 else cv2.INTER_LINEAR)
    left, top = (INPUT_SIZE - sw) // 2, (INPUT_SIZE - sh) // 2
    square = cv2.copyMakeBorder(small, top, INPUT_SIZE - sh - top, left, INPUT_SIZE - sw - left, cv2.BORDER_CONSTANT,
                                value=0)
    return square, k, left, top


def model_input(square_bgr: np.ndarray) -> np.ndarray:
    """BGR uint8 square → the model's input: RGB in −1…1, a batch of one."""
    rgb = cv2.cvtColor(square_bgr, cv2.COLOR_BGR2RGB)
    return (rgb.astype(np.float32) * (2 / 255) - 1)[None]


class FaceDetector:
    """Pictures (BGR uint8, any size) → faces, largest first. `seconds` adds up the time spent."""

    def __init__(self, model):
        """`model`: a mlplay.litert.LiteModel of the face detector (see mlplay.faces.shipped.open_models)."""
        self.model = model
        shape = tuple(model.inputs[0]["shape"]) if model.inputs else ()
        if shape != (1, INPUT_SIZE, INPUT_SIZE, 3) or len(model.outputs) != 2:
            raise MlplayError(f"{model.path} is not the face detector (input {list(shape)})",
                              "get it again with: mlplay data fetch faces")
        order = sorted(range(2), key=lambda i: -int(model.outputs[i]["shape"][-1]))  # boxes (16 wide), then scores
        self.boxes_at, self.scores_at = order
        self.anchors = ssd.anchors(INPUT_SIZE, STRIDES)
        self.seconds, self.calls = 0.0, 0

    def __call__(self, picture: np.ndarray) -> list[Face]:
        """The faces in a BGR picture, largest first (none in a picture under 2 pixels or not in colour)."""
        start = time.perf_counter()
        usable = picture.ndim == 3 and picture.shape[2] == 3 and min(picture.shape[:2]) >= 2
        faces = self.detect(picture) if usable else []
        self.seconds += time.perf_counter() - start
        self.calls += 1
        return sorted(faces, key=lambda f: -f.side)

    def detect(self, picture: np.ndarray) -> list[Face]:
        """The model's pass over the letterboxed picture, decoded, in picture pixels."""
        square, k, left, top = letterbox(picture)
        outputs = self.model.run(model_input(square))
        raw, logits = outputs[self.boxes_at][0], outputs[self.scores_at][0]
        found = ssd.weighted_nms(*ssd.decode(raw, logits, self.anchors, INPUT_SIZE, MIN_SCORE), NMS_IOU)
        offset = np.float32([left, top])
        faces = []
        for score, (cx, cy, w, h), keypoints in found:
            centre = np.float32([cx, cy]) * INPUT_SIZE
            half = np.float32([w, h]) * INPUT_SIZE / 2
            box = np.concatenate([(centre - half - offset) / k, (centre + half - offset) / k])
            points = ((keypoints * INPUT_SIZE - offset) / k).astype(np.float32)
            faces.append(Face(box.astype(np.float32), score, points))
        return faces
