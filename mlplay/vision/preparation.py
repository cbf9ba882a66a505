"""How a picture becomes the input of the bundled LiteRT models (measure_preparation.py: how this was chosen).

A network sees pictures best when they are prepared as the pictures it was trained and evaluated on. The card's
`input` records the choice, and `prepare` follows it:

- the classifier (MobileNetV2, TF-slim): its evaluation took the central 87.5 % of each side, then resized that
  bilinearly to 224×224 (aspect not kept): `{"resize": "central-crop", "crop": 0.875, "interpolation": "bilinear"}`;
- the detector (SSD, TensorFlow object detection API): its fixed-shape resizer scaled the whole picture bilinearly to
  300×300: `{"resize": "stretch", "interpolation": "bilinear"}`;
- cards written before these choices say `centre-crop` (shorter side to the input size with area averaging, centre
  square) or `stretch` without an interpolation (area averaging), and are read as they say.

`python -m mlplay.vision.measure_preparation IMAGENET_FOLDER PHOTO_FOLDER…` measures the choices on labelled photos
(the figures in docs/vision.md).
"""

import cv2
import numpy as np

from mlplay.errors import MlplayError
from mlplay.vision.classify import centre_crop

RESIZES = ("central-crop", "centre-crop", "stretch")
INTERPOLATIONS = ("bilinear", "bilinear-tf1", "area")


def central_fraction(image: np.ndarray, fraction: float) -> np.ndarray:
    """The central `fraction` of each side, cut where tf.image.central_crop cuts it."""
    h, w = image.shape[:2]
    top, left = int((h - h * fraction) / 2), int((w - w * fraction) / 2)
    return image[top : h - top, left : w - left]


def resize(image: np.ndarray, width: int, height: int, interpolation: str) -> np.ndarray:
    """`bilinear`: OpenCV's, which samples at pixel centres (as TensorFlow 2 does); `bilinear-tf1`: TensorFlow 1's
    resize_bilinear (align_corners=False), which samples output pixel i at input position i × in/out, a shift of
    up to half a pixel; `area`: area averaging."""
    if interpolation == "bilinear-tf1":
        h, w = image.shape[:2]
        map_x, map_y = np.meshgrid(np.arange(width, dtype=np.float32) * np.float32(w / width),
                                   np.arange(height, dtype=np.float32) * np.float32(h / height))
        return cv2.remap(image, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    return cv2.resize(image, (width, height), interpolation=cv2.INTER_LINEAR if interpolation == "bilinear"
                      else cv2.INTER_AREA)


def antialiased(image: np.ndarray, width: int, height: int) -> np.ndarray:
    """Pillow's bilinear resize, which torchvision's ImageNet evaluation uses: a triangle filter widened by the
    shrink factor (so every input pixel counts, as in area averaging, but weighted), rows first, rounded to uint8
    after each pass as Pillow does."""

    def weights(n_in: int, n_out: int) -> np.ndarray:
        scale = n_in / n_out
        support = max(scale, 1.0)
        centres = (np.arange(n_out) + 0.5) * scale
        w = np.clip(1.0 - np.abs(np.arange(n_in)[None, :] + 0.5 - centres[:, None]) / support, 0.0, None)
        return (w / w.sum(axis=1, keepdims=True)).astype(np.float32)

    def rounded(x: np.ndarray) -> np.ndarray:
        return np.clip(np.rint(x), 0, 255).astype(np.float32)

    h, w = image.shape[:2]
    pixels = image.reshape(h, w, -1).transpose(0, 2, 1).astype(np.float32).reshape(-1, w)  # (h·c) × w, contiguous
    rows = rounded(pixels @ weights(w, width).T).reshape(h, -1)  # h × (c·width): one matrix product a pass
    out = rounded(weights(h, height) @ rows).reshape(height, -1, width)  # height × c × width
    return out.transpose(0, 2, 1).astype(np.uint8).reshape((height, width) + image.shape[2:])


def check(spec: dict) -> None:
    """A one-line error for an `input` this module cannot follow."""
    if spec.get("resize") not in RESIZES or spec.get("interpolation", "area") not in INTERPOLATIONS:
        raise MlplayError(f"the card's input ({spec.get('resize')}, {spec.get('interpolation')}) is not a "
                          "preparation this version knows", "restore the model's card, or update mlplay")
    if spec["resize"] == "central-crop" and not 0 < spec.get("crop", 0) <= 1:
        raise MlplayError(f"the card's central crop {spec.get('crop')!r} is not a fraction in (0, 1]")


def prepare(bgr: np.ndarray, width: int, height: int, spec: dict) -> np.ndarray:
    """A BGR picture → the RGB uint8 picture of the model's input size, as the card's `input` says."""
    if spec["resize"] == "centre-crop" and width == height:
        return centre_crop(bgr, width)
    if spec["resize"] == "central-crop":
        bgr = central_fraction(bgr, spec["crop"])
    return cv2.cvtColor(resize(bgr, width, height, spec.get("interpolation", "area")), cv2.COLOR_BGR2RGB)


# The measurement --------------------------------------------------------------------------------------------------
# Choices for each model: the card's, the one before it, and others worth knowing about.
