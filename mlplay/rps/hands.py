"""Hand landmarks on camera frames and photos: MediaPipe's palm detector and hand landmark model in LiteRT.

The design is MediaPipe's (our own code, numpy + cv2, no mediapipe and no TensorFlow):

1. palm detection on the frame letterboxed to 192×192: 2016 SSD anchors, sigmoid scores, box + 7 keypoints
   decoded per anchor, weighted non-maximum suppression (mlplay.ssd, shared with the face detector);
2. a rotated square region of interest from the best palm: turned so that the wrist → middle-finger knuckle
   points up, 2.6× the palm box, shifted towards the fingers;
3. the landmark model on that region (224×224): 21 landmarks, hand presence, handedness; projected back to
   frame pixels;
4. tracking: the next frame's region comes from these landmarks (no palm detection) while presence stays high;
   when it drops, the palm detector runs again.

Palms cut off by the picture's edge are the detector's weak spot: when it finds nothing, `fallback` regions (the
guide box, or the whole picture) are tried with the landmark model alone, which says itself whether a hand is there.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from mlplay import ssd
from mlplay.errors import MlplayError

PALM_FILE, LANDMARK_FILE = "palm_detection_lite.tflite", "hand_landmark_lite.tflite"
PALM_SIZE, LANDMARK_SIZE = 192, 224
STRIDES = (8, 16, 16, 16)  # MediaPipe's anchor options for the 192×192 palm models: 2 anchors per layer and cell
MIN_PALM_SCORE = 0.5
NMS_IOU = 0.3
PALM_SCALE, PALM_SHIFT = 2.6, -0.5  # palm box → hand region: enlarge, move towards the fingers (in box heights)
TRACK_SCALE, TRACK_SHIFT = 2.0, -0.1  # landmarks' box → next frame's region
MIN_PRESENCE = 0.5
MIN_SIDE = 16  # pictures smaller than this (pixels) have no hand
MARGINS = (0.25, 0.5)  # palm detection passes (see palms()); the second runs only when the first finds nothing
ROI_LANDMARKS = [0, 1, 2, 3, 5, 6, 9, 10, 13, 14, 17, 18]  # wrist, thumb base, each finger's two lowest joints
CONNECTIONS = [(0, 1), (1, 2), (2, 3), (3, 4), (0, 5), (5, 6), (6, 7), (7, 8), (5, 9), (9, 10), (10, 11), (11, 12),
               (9, 13), (13, 14), (14, 15), (15, 16), (13, 17), (0, 17), (17, 18), (18, 19), (19, 20)]  # the skeleton
HANDS_HINT = "re-extract them with: mlplay data fetch hands"


@dataclass
class Roi:
    """A rotated square in frame pixels: centre, side, rotation (radians, clockwise on screen)."""

    cx: float
    cy: float
    size: float
    angle: float

    def matrix(self, out: int = LANDMARK_SIZE) -> np.ndarray:
        """2×3 affine map frame pixels → `out`×`out` crop pixels (the region turned upright)."""
        c, s, k = math.cos(self.angle), math.sin(self.angle), out / self.size
        rot = k * np.array([[c, s], [-s, c]])  # k · Rᵀ
        return np.hstack([rot, (out / 2 - rot @ [self.cx, self.cy])[:, None]])

    def to_frame(self, points: np.ndarray, out: int = LANDMARK_SIZE) -> np.ndarray:
        """Crop pixels (N, 2+) → frame pixels; a z column is scaled like x and y."""
        c, s, k = math.cos(self.angle), math.sin(self.angle), self.size / out
        u, v = points[:, 0] - out / 2, points[:, 1] - out / 2
        result = np.array(points, np.float32, copy=True)
        result[:, 0] = self.cx + k * (c * u - s * v)
        result[:, 1] = self.cy + k * (s * u + c * v)
        if points.shape[1] > 2:
            result[:, 2:] *= k
        return result

    def corners(self, out: int = LANDMARK_SIZE) -> np.ndarray:
        """The square's four corners in frame pixels (for drawing)."""
        return self.to_frame(np.float32([[0, 0], [out, 0], [out, out], [0, out]]), out)


def _upright_angle(start, end) -> float:
    """Rotation that makes start → end point up on screen, in (-π, π]."""
    angle = math.pi / 2 - math.atan2(-(end[1] - start[1]), end[0] - start[0])
    return angle - 2 * math.pi * math.floor((angle + math.pi) / (2 * math.pi))


def _transform(cx, cy, width, height, angle, scale, shift) -> Roi:
    """Move the box `shift` of its height along its own up axis, then make it a square `scale` × its long side."""
    dy = height * shift
    return Roi(cx - dy * math.sin(angle), cy + dy * math.cos(angle), max(width, height) * scale, angle)


def roi_from_palm(box: np.ndarray, keypoints: np.ndarray) -> Roi:
    """Frame-pixel palm box (cx, cy, w, h) and keypoints (0 wrist, 2 middle-finger knuckle) → hand region."""
    angle = _upright_angle(keypoints[0], keypoints[2])
    return _transform(box[0], box[1], box[2], box[3], angle, PALM_SCALE, PALM_SHIFT)


def roi_from_landmarks(points: np.ndarray) -> Roi:
    """Frame-pixel landmarks (21, 2+) → the region to look at in the next frame."""
    knuckles = ((points[5, :2] + points[13, :2]) / 2 + points[9, :2]) / 2
    angle = _upright_angle(points[0, :2], knuckles)
    pts = points[ROI_LANDMARKS, :2]
    centre = (pts.min(0) + pts.max(0)) / 2
    c, s = math.cos(angle), math.sin(angle)
    local = (pts - centre) @ np.array([[c, -s], [s, c]])  # in the hand's own axes
    lo, hi = local.min(0), local.max(0)
    mid = (lo + hi) / 2
    cx, cy = centre + np.array([[c, -s], [s, c]]) @ mid
    return _transform(cx, cy, hi[0] - lo[0], hi[1] - lo[1], angle, TRACK_SCALE, TRACK_SHIFT)


@dataclass
class Hand:
    """One hand: landmarks (21, 3) in frame pixels (z relative, same scale), presence and handedness."""

    landmarks: np.ndarray
    presence: float
    right: float  # the model's probability that this is a right hand (as seen in a mirror, like a selfie)
    roi: Roi
    detected: bool  # found by the palm detector on this frame (not tracked, not a fallback region)

    @property
    def handedness(self) -> str:
        return "right" if self.right >= 0.5 else "left"


class _Model:
    def __init__(self, path: Path, threads: int, size: int, outputs: int):
        from mlplay.litert import LiteModel

        self.lite = LiteModel(path, threads, hint=HANDS_HINT, what=f"hand model {path.name}")
        inp, outs = self.lite.inputs, self.lite.outputs
        if len(inp) != 1 or tuple(inp[0]["shape"]) != (1, size, size, 3) or len(outs) != outputs:
            raise MlplayError(f"{path} is not the expected hand model (input "
                              f"{inp[0]['shape'].tolist() if inp else None})", HANDS_HINT)

    def __call__(self, rgb01: np.ndarray) -> list[np.ndarray]:
        return [out[0] for out in self.lite.raw(rgb01[None])]


def hands_dir(models_root: Path | None = None) -> Path:
    """hands/ in the models folder in use; the shipped copy when that folder has none."""
    from mlplay.paths import SHIPPED, models_dir

    folder = models_dir(models_root) / "hands"
    return folder if folder.is_dir() else SHIPPED / "hands"


class HandTracker:
    """Frames (BGR uint8, any size) → the most confident hand or None, tracking it from frame to frame.

    track=False runs the palm detector on every frame (photos; the bench's "detection every frame").
    Stage times add up in `seconds` ({"palm": …, "landmarks": …}).
    """

    def __init__(self, folder: Path | None = None, threads: int = 2, track: bool = True):
        folder = Path(folder or hands_dir())
        self.palm = _Model(folder / PALM_FILE, threads, PALM_SIZE, 2)
        self.landmark = _Model(folder / LANDMARK_FILE, threads, LANDMARK_SIZE, 4)
        self.anchors = ssd.anchors(PALM_SIZE, STRIDES)
        self.track, self.previous = track, None
        self.seconds = {"palm": 0.0, "landmarks": 0.0}

    def reset(self) -> None:
        self.previous = None

    def palms(self, frame: np.ndarray, margin: float = 0.0) -> list[tuple[float, np.ndarray, np.ndarray]]:
        """Palm detections (score, box cx cy w h, keypoints (7, 2)) in frame pixels, best first.

        The frame is centred in a square `1 + 2 margin` times its long side, the border filled by repeating the
        edge pixels: a margin lets the detector see a palm cut by the picture's edge as a whole one.
        """
        import time

        start = time.perf_counter()
        h, w = frame.shape[:2]
        k = PALM_SIZE / (max(w, h) * (1 + 2 * margin))
        ox, oy = (PALM_SIZE - k * w) / 2, (PALM_SIZE - k * h) / 2
        square = cv2.warpAffine(frame, np.float32([[k, 0, ox], [0, k, oy]]), (PALM_SIZE, PALM_SIZE),
                                flags=cv2.INTER_LINEAR if k > 0.5 else cv2.INTER_AREA, borderMode=cv2.BORDER_REPLICATE)
        raw, logits = self.palm(_rgb01(square))
        found = ssd.weighted_nms(*ssd.decode(raw, logits, self.anchors, PALM_SIZE, MIN_PALM_SCORE), NMS_IOU)
        self.seconds["palm"] += time.perf_counter() - start
        to_px = np.float32([PALM_SIZE / k, PALM_SIZE / k])
        shift = [ox / k, oy / k]
        return [(score, np.concatenate([box[:2] * to_px - shift, box[2:] * to_px]), kps * to_px - shift)
                for score, box, kps in found]

    def landmarks(self, frame: np.ndarray, roi: Roi, detected: bool = False) -> Hand:
        import time

        start = time.perf_counter()
        crop = cv2.warpAffine(frame, roi.matrix(), (LANDMARK_SIZE, LANDMARK_SIZE), flags=cv2.INTER_LINEAR,
                              borderMode=cv2.BORDER_CONSTANT, borderValue=(0, 0, 0))
        points, presence, handedness, _world = self.landmark(_rgb01(crop))
        self.seconds["landmarks"] += time.perf_counter() - start
        return Hand(roi.to_frame(points.reshape(21, 3)), float(presence[0]), float(handedness[0]), roi, detected)

    def __call__(self, frame: np.ndarray, fallback: list[Roi] | None = None) -> Hand | None:
        """The hand in this frame: from the tracked region, else the palm detector, else the fallback regions."""
        if frame.ndim != 3 or frame.shape[2] != 3:
            raise MlplayError(f"frame of shape {frame.shape} is not a colour (BGR) picture")
        if min(frame.shape[:2]) < MIN_SIDE:  # too small to hold a hand anyone could see
            self.previous = None
            return None
        hand = None
        if self.track and self.previous is not None:
            hand = self._accept(self.landmarks(frame, self.previous))
        for margin in MARGINS:
            if hand is not None:
                break
            palms = self.palms(frame, margin)
            if palms:
                _, box, kps = palms[0]
                hand = self._accept(self.landmarks(frame, roi_from_palm(box, kps), detected=True))
        for roi in fallback or []:
            if hand is not None:
                break
            hand = self._accept(self.landmarks(frame, roi))
        self.previous = roi_from_landmarks(hand.landmarks) if hand is not None else None
        return hand

    @staticmethod
    def _accept(hand: Hand) -> Hand | None:
        return hand if hand.presence >= MIN_PRESENCE else None


def draw_skeleton(img: np.ndarray, landmarks: np.ndarray, colour=(255, 255, 255), joint=(80, 200, 80)) -> None:
    """The 21 landmarks and their bones on `img`, in place; line widths follow the picture's size."""
    width = max(1, round(min(img.shape[:2]) / 240))
    points = [(int(round(x)), int(round(y))) for x, y in landmarks[:, :2]]
    for a, b in CONNECTIONS:
        cv2.line(img, points[a], points[b], colour, width, cv2.LINE_AA)
    for p in points:
        cv2.circle(img, p, width + 2, joint, -1, cv2.LINE_AA)


def _rgb01(bgr: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB).astype(np.float32) * (1 / 255)


def whole_picture(width: int, height: int) -> Roi:
    """The picture itself as a region (a square around it, upright): the fallback for photos."""
    return Roi(width / 2, height / 2, float(max(width, height)), 0.0)


def box_roi(box: tuple[int, int, int, int], grow: float = 1.0) -> Roi:
    """An axis-aligned (x0, y0, x1, y1) box as an upright square region (the camera's guide box)."""
    x0, y0, x1, y1 = box
    return Roi((x0 + x1) / 2, (y0 + y1) / 2, max(x1 - x0, y1 - y0) * grow, 0.0)
