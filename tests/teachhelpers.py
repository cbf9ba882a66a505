"""Stand-ins for the teach tests: pictures of three kinds of things, a feature extractor without a network, a
backbone cache built from the narrow MobileNetV2 of pthwriter (no download), a scripted display."""

import shutil
from pathlib import Path

import cv2
import numpy as np

COLOURS = {"red": (40, 40, 220), "green": (40, 200, 40), "blue": (220, 60, 40)}


def thing(label: str, rng: np.random.Generator, size=(240, 320)) -> np.ndarray:
    """A BGR picture: noise, and a disc (red), a square (green) or a triangle (blue) somewhere near the middle."""
    h, w = size
    img = rng.integers(90, 160, (h, w, 3)).astype(np.uint8)
    cx, cy, r = int(w / 2 + rng.integers(-30, 30)), int(h / 2 + rng.integers(-20, 20)), int(rng.integers(35, 60))
    colour = tuple(int(c + rng.integers(-20, 20)) for c in COLOURS[label])
    if label == "red":
        cv2.circle(img, (cx, cy), r, colour, -1)
    elif label == "green":
        cv2.rectangle(img, (cx - r, cy - r), (cx + r, cy + r), colour, -1)
    else:
        cv2.fillPoly(img, [np.array([(cx, cy - r), (cx - r, cy + r), (cx + r, cy + r)])], colour)
    return img


def write_things(folder: Path, per_label: int, seed: int = 0, labels=("red", "green", "blue")) -> Path:
    rng = np.random.default_rng(seed)
    for label in labels:
        (folder / label).mkdir(parents=True, exist_ok=True)
        for i in range(per_label):
            cv2.imwrite(str(folder / label / f"{i:03d}.jpg"), thing(label, rng))
    return folder


class ColourFeatures:
    """Features without a network: the mean colour of the picture's centre and of its middle ninth."""

    sha256 = "colour-features"

    def prepare(self, bgr):
        from mlplay.vision.classify import centre_crop

        return centre_crop(bgr, 48)

    def of_rgb(self, rgb):
        middle = rgb[16:32, 16:32].reshape(-1, 3).mean(axis=0)
        return np.concatenate([rgb.reshape(-1, 3).mean(axis=0), middle]).astype(np.float32) / 255

    def __call__(self, bgr):
        return self.of_rgb(self.prepare(bgr))


def tiny_backbone(folder: Path) -> Path:
    """datasets/mobilenet-v2 converted from the narrow network (1,000 classes, 64 features), as a fetch makes it."""
    from pthwriter import tiny_mobilenet

    from mlplay.download import Source
    from mlplay.vision import backbone

    dest = folder / backbone.NAME
    if not (dest / backbone.CARD_FILE).exists():
        backbone.convert(tiny_mobilenet(), backbone.imagenet_labels(), Source("http://test/w.whl", "0" * 64, "test"),
                         backbone.MEMBER, "1" * 64, dest)
    return dest


def install_backbone(built: Path, datasets: Path) -> None:
    datasets.mkdir(parents=True, exist_ok=True)
    shutil.copytree(built, datasets / built.name)


class ScriptedDisplay:
    """A display with no window whose keys come from a script: {frame number: key name}."""

    def __init__(self, script: dict[int, str]):
        self.script, self.frames, self.shown = script, 0, None

    def show(self, frame):
        self.frames += 1
        self.shown = frame

    def poll(self, wait_ms=1):
        return self.script.get(self.frames)

    def closed(self):
        return False

    def close(self):
        pass
