"""Turn a drawing or a photo of a digit into what the model was trained on (pure numpy + cv2 arrays).

MNIST digits were made by cropping the ink, scaling it into a 20×20 box keeping the aspect ratio,
and placing it in 28×28 so that its centre of mass sits in the middle. Doing the same here makes
digits drawn small, large or off-centre look like the training data.
"""

import cv2
import numpy as np

INK_THRESHOLD = 32  # grey levels (0–255) below this count as background


def ink_bbox(img: np.ndarray) -> tuple[int, int, int, int] | None:
    """(top, bottom, left, right), exclusive ends, of the pixels brighter than the threshold."""
    rows = np.flatnonzero((img > INK_THRESHOLD).any(axis=1))
    cols = np.flatnonzero((img > INK_THRESHOLD).any(axis=0))
    if rows.size == 0:
        return None
    return rows[0], rows[-1] + 1, cols[0], cols[-1] + 1


def fit_box(img: np.ndarray, box: float) -> np.ndarray:
    """Crop to the ink and scale so the longer side is `box` pixels (rounded), keeping the aspect ratio."""
    bbox = ink_bbox(img)
    if bbox is None:
        return np.zeros((round(box), round(box)), np.uint8)
    top, bottom, left, right = bbox
    crop = img[top:bottom, left:right]
    h, w = crop.shape
    scale = box / max(h, w)
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    interpolation = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
    return cv2.resize(crop, size, interpolation=interpolation)


def centre_of_mass_paste(glyph: np.ndarray, size: int) -> np.ndarray:
    """Place `glyph` in a size×size black square with its centre of mass at the middle."""
    out = np.zeros((size, size), np.float32)
    h, w = glyph.shape
    mass = glyph.astype(np.float64)
    total = mass.sum()
    if total == 0:
        return out.astype(np.uint8)
    cy = (mass.sum(axis=1) @ np.arange(h)) / total
    cx = (mass.sum(axis=0) @ np.arange(w)) / total
    shift = np.float32([[1, 0, (size - 1) / 2 - cx], [0, 1, (size - 1) / 2 - cy]])
    return cv2.warpAffine(glyph, shift, (size, size), flags=cv2.INTER_LINEAR, borderValue=0)


def to_mnist(img: np.ndarray) -> np.ndarray:
    """Grey image (white ink on black) → 28×28 uint8 MNIST-style digit."""
    return centre_of_mass_paste(fit_box(img, 20), 28)


def as_white_on_black(grey: np.ndarray) -> np.ndarray:
    """Scans and drawings are usually dark ink on paper: invert when the border is bright."""
    border = np.concatenate([grey[0], grey[-1], grey[:, 0], grey[:, -1]])
    return 255 - grey if np.median(border) > 127 else grey
