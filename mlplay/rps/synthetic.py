"""SYNTHETIC rock-paper-scissors pictures: cartoon hands drawn with OpenCV, for tests and demos only.

Nothing here is a photograph. A fist (rock), an open hand with spread fingers (paper) and two fingers in a V
(scissors) are drawn in a random skin tone, pose, size and light over a cluttered random background. A model
trained on these learns to count cartoon fingers; it says nothing about real webcam hands (record your own with
`mlplay camera record rps`, or fetch the official set with `mlplay data fetch rps`).
"""

from __future__ import annotations

import math
from pathlib import Path

import cv2
import numpy as np

from mlplay.errors import MlplayError
from mlplay.rps.game import MOVES, ROUND_SECONDS, guide_box

SOURCE = "SYNTHETIC cartoon hands drawn by mlplay.rps.synthetic (not photographs)"


def _background(h: int, w: int, rng: np.random.Generator) -> np.ndarray:
    top, bottom = rng.integers(40, 230, 3), rng.integers(40, 230, 3)
    ramp = np.linspace(0, 1, h)[:, None, None]
    img = (top * (1 - ramp) + bottom * ramp).repeat(w, axis=1).astype(np.float32)
    for _ in range(int(rng.integers(2, 7))):  # clutter: furniture-like blocks of a similar tone
        x0, y0 = int(rng.integers(0, w)), int(rng.integers(0, h))
        x1, y1 = x0 + int(rng.integers(w // 10, w // 2)), y0 + int(rng.integers(h // 10, h // 2))
        tone = np.clip(img[min(y0, h - 1), min(x0, w - 1)] + rng.integers(-40, 40, 3), 0, 255)
        cv2.rectangle(img, (x0, y0), (x1, y1), tone.tolist(), -1)
    return img


def _skin(rng: np.random.Generator) -> np.ndarray:
    """A BGR skin tone from pale to dark."""
    shade = rng.uniform(0.0, 1.0)
    light, dark = np.array([175, 200, 240]), np.array([45, 75, 120])
    return light * (1 - shade) + dark * shade + rng.integers(-12, 12, 3)


def _finger(img, base, angle, length, width, colour, edge):
    """A finger as a thick round-capped line from `base` pointing at `angle` (degrees, 0 = up)."""
    a = math.radians(angle)
    tip = (base[0] + length * math.sin(a), base[1] - length * math.cos(a))
    pts = [tuple(int(round(v)) for v in p) for p in (base, tip)]
    cv2.line(img, pts[0], pts[1], edge, width + 2, cv2.LINE_AA)
    cv2.line(img, pts[0], pts[1], colour, width, cv2.LINE_AA)


def draw_hand(img: np.ndarray, label: str, box: tuple[int, int, int, int], rng: np.random.Generator,
              skin: np.ndarray | None = None) -> None:
    """Draw one hand showing `label` inside `box` (x0, y0, x1, y1) of `img`, in place (random skin unless given)."""
    if label not in MOVES:
        raise ValueError(f"unknown move {label!r}")
    x0, y0, x1, y1 = box
    side = x1 - x0
    s = side * rng.uniform(0.85, 1.05)
    cx = x0 + side * (0.5 + rng.uniform(-0.07, 0.07))
    cy = y0 + side * (0.62 + rng.uniform(-0.06, 0.06))
    skin = _skin(rng) if skin is None else skin
    colour, edge = skin.tolist(), (skin * 0.6).tolist()
    layer = np.zeros_like(img)
    mask = np.zeros(img.shape[:2], np.uint8)
    palm_w, palm_h = 0.19 * s, 0.17 * s
    finger_w = max(2, int(0.075 * s))
    # forearm to the bottom edge, then the palm
    cv2.rectangle(layer, (int(cx - 0.12 * s), int(cy)), (int(cx + 0.12 * s), int(y1 + side)), colour, -1)
    cv2.ellipse(layer, (int(cx), int(cy)), (int(palm_w), int(palm_h)), 0, 0, 360, edge, finger_w // 3 + 2, cv2.LINE_AA)
    cv2.ellipse(layer, (int(cx), int(cy)), (int(palm_w), int(palm_h)), 0, 0, 360, colour, -1, cv2.LINE_AA)
    knuckle_y = cy - palm_h * 0.85
    xs = [cx + palm_w * f for f in (-0.66, -0.22, 0.22, 0.66)]
    long = 0.33 * s * rng.uniform(0.9, 1.1)
    if label == "rock":
        for x in xs:  # curled fingers: a row of knuckles, and the thumb across the front
            cv2.circle(layer, (int(x), int(knuckle_y + 0.02 * s)), int(0.06 * s), edge, -1, cv2.LINE_AA)
            cv2.circle(layer, (int(x), int(knuckle_y + 0.02 * s)), int(0.052 * s), colour, -1, cv2.LINE_AA)
        _finger(layer, (cx - palm_w * 0.9, cy + 0.02 * s), 70, 0.2 * s, finger_w, colour, edge)
    elif label == "paper":
        spread = rng.uniform(6, 14)
        for i, x in enumerate(xs):
            angle = (i - 1.5) * spread
            length = long * (0.85, 1.0, 0.97, 0.78)[i]
            _finger(layer, (x, knuckle_y + 0.05 * s), angle, length, finger_w, colour, edge)
        _finger(layer, (cx - palm_w * 0.9, cy), -60 + rng.uniform(-10, 10), 0.22 * s, finger_w, colour, edge)
    else:  # scissors: index and middle finger in a V, the others curled, thumb folded
        for x in xs[2:]:
            cv2.circle(layer, (int(x), int(knuckle_y + 0.04 * s)), int(0.055 * s), edge, -1, cv2.LINE_AA)
            cv2.circle(layer, (int(x), int(knuckle_y + 0.04 * s)), int(0.047 * s), colour, -1, cv2.LINE_AA)
        v = rng.uniform(12, 22)
        _finger(layer, (xs[0], knuckle_y + 0.05 * s), -v, long * 0.95, finger_w, colour, edge)
        _finger(layer, (xs[1], knuckle_y + 0.05 * s), v * 0.4, long, finger_w, colour, edge)
        _finger(layer, (cx - palm_w * 0.9, cy + 0.02 * s), 70, 0.18 * s, finger_w, colour, edge)
    mask = (layer.max(axis=2) > 0).astype(np.uint8)
    # the whole hand turned a little, and sometimes the other hand (mirror)
    angle, centre = rng.uniform(-25, 25), (float(cx), float(cy))
    turn = cv2.getRotationMatrix2D(centre, angle, 1.0)
    h, w = img.shape[:2]
    layer = cv2.warpAffine(layer, turn, (w, h), flags=cv2.INTER_LINEAR)
    mask = cv2.warpAffine(mask * 255, turn, (w, h), flags=cv2.INTER_LINEAR)
    if rng.random() < 0.5:
        layer, mask = _flip_about(layer, cx), _flip_about(mask, cx)
    shade = np.linspace(rng.uniform(0.75, 1.0), rng.uniform(1.0, 1.2), w)[None, :, None]  # light from one side
    alpha = (mask.astype(np.float32) / 255)[..., None]
    img[:] = img * (1 - alpha) + np.clip(layer * shade, 0, 255) * alpha


def _flip_about(img: np.ndarray, cx: float) -> np.ndarray:
    shift = np.float32([[-1, 0, 2 * cx], [0, 1, 0]])
    return cv2.warpAffine(img, shift, (img.shape[1], img.shape[0]))


def _finish(img: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    img = img * rng.uniform(0.75, 1.2) + rng.normal(0, rng.uniform(2, 8), img.shape)
    img = cv2.GaussianBlur(np.clip(img, 0, 255).astype(np.uint8), (3, 3), rng.uniform(0.1, 1.0))
    return img


class Scene:
    """One room and one player: a fixed background and skin tone, as when a person records and then plays."""

    def __init__(self, width: int, height: int, seed: int = 0):
        rng = np.random.default_rng(seed)
        self.width, self.height = width, height
        self.background, self.skin = _background(height, width, rng), _skin(rng)


def frame(label: str, width: int = 320, height: int = 240, rng: np.random.Generator | None = None,
          scene: Scene | None = None) -> np.ndarray:
    """A whole camera-like frame with the hand inside the game's guide box (a new room each time unless `scene`)."""
    rng = rng or np.random.default_rng()
    img = scene.background.copy() if scene else _background(height, width, rng)
    draw_hand(img, label, guide_box(width, height), rng, scene.skin if scene else None)
    return _finish(img, rng)


def crop(label: str, size: int = 128, rng: np.random.Generator | None = None) -> np.ndarray:
    """A square picture of one hand, as the guide box would show it."""
    rng = rng or np.random.default_rng()
    img = _background(size, size, rng)
    draw_hand(img, label, (0, 0, size, size), rng)
    return _finish(img, rng)


def write_folders(out: Path, per_class: int = 100, size: int = 128, seed: int = 0) -> Path:
    """Class folders out/<label>/synthetic_NNNN.png (what `mlplay train rps-… --data` reads)."""
    rng = np.random.default_rng(seed)
    out = Path(out)
    for label in MOVES:
        (out / label).mkdir(parents=True, exist_ok=True)
        for i in range(per_class):
            cv2.imwrite(str(out / label / f"synthetic_{i:04d}.png"), crop(label, size, rng))
    (out / "SYNTHETIC.txt").write_text(SOURCE + "\n")
    return out


def write_video(path: Path, labels: list[str], fps: float = 15.0, width: int = 320, height: int = 240,
                seconds_per_label: float = ROUND_SECONDS, seed: int = 0, still: bool = False,
                scene_seed: int | None = None) -> Path:
    """A video that shows each label in turn for `seconds_per_label` (one --auto round each by default).

    still=False redraws the hand every frame (a jittery, live-looking hand); True holds one drawing per label.
    scene_seed: one fixed room and player for the whole video (videos with the same scene_seed share it).
    """
    rng = np.random.default_rng(seed)
    scene = Scene(width, height, scene_seed) if scene_seed is not None else None
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, (width, height))
    if not writer.isOpened():
        raise MlplayError(f"cannot write the video {path}", "OpenCV needs the mp4v codec to write videos")
    per_label = int(round(seconds_per_label * fps))
    try:
        for label in labels:
            held = frame(label, width, height, rng, scene)
            for _ in range(per_label):
                writer.write(held if still else frame(label, width, height, rng, scene))
    finally:
        writer.release()
    return Path(path)


# `mlplay data fetch rps-synthetic`: generated here, nothing downloaded ------------------------------------
def folder() -> Path:
    from mlplay.paths import datasets_dir

    return datasets_dir() / "rps-synthetic"


def cached() -> Path | None:
    return folder() if (folder() / "SYNTHETIC.txt").exists() else None


def fetch(per_class: int = 300, log=print) -> Path:
    """Class folders of SYNTHETIC hands plus a demo video (one hand per --auto round), made once."""
    from mlplay.fileio import atomic_dir

    if cached():
        return folder()
    with atomic_dir(folder()) as tmp:
        write_folders(tmp, per_class, seed=0)
        write_video(tmp / "demo.mp4", list(MOVES) * 2, fps=10, seed=1, scene_seed=1)
    log(f"generated {3 * per_class} SYNTHETIC pictures and demo.mp4 (cartoon hands, not photographs) in {folder()}")
    return folder()
