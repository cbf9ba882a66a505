"""Turn a drawing or a photo of a digit into what the model was trained on (pure numpy + cv2 arrays).

MNIST digits were made by cropping the ink, scaling it into a 20×20 box keeping the aspect ratio,
and placing it in 28×28 so that its centre of mass sits in the middle. Doing the same here makes
digits drawn small, large or off-centre look like the training data.
"""

import cv2
import numpy as np

from mlplay.imageio import fit_box


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
