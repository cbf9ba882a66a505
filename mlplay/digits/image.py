"""Turn a drawing or a photo of a digit into what the model was trained on (pure numpy + cv2 arrays).

MNIST digits were made by cropping the ink, scaling it into a 20×20 box keeping the aspect ratio,
and placing it in 28×28 so that its centre of mass sits in the middle. Doing the same here makes
digits drawn small, large or off-centre look like the training data. Strokes (the drawing window's, a pen path,
a generated drawing) are first drawn with a pen whose width is a fixed share of the drawing's size, as MNIST's
pens were, so a digit drawn small or large ends up with the same stroke width.
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


STROKE_FRACTION = 0.12  # MNIST pens are about 2.5 px wide in the 20 px box: 12 % of the digit's size


def strokes_image(strokes, canvas: int = 400) -> np.ndarray:
    """Strokes (lists of integer (x, y) points on a canvas×canvas surface) → 28×28 uint8 MNIST-style digit, drawn
    with a pen of STROKE_FRACTION of the drawing's longer side (at least 3 pixels)."""
    from mlplay.draw.canvas import render_strokes, strokes_extent

    pen = max(3, round(STROKE_FRACTION * max(strokes_extent(strokes), 20)))
    return to_mnist(render_strokes(strokes, canvas, pen))


def fit_strokes(strokes, canvas: int = 400, span: float = 0.75) -> list[np.ndarray]:
    """Strokes in any coordinates, moved and scaled (aspect kept) so that the longer side spans `span` of the
    canvas, centred, as integer points."""
    arrays = [np.asarray(s, np.float64).reshape(-1, 2) for s in strokes if len(s)]
    points = np.concatenate(arrays)
    low, high = points.min(axis=0), points.max(axis=0)
    scale = span * canvas / max(float((high - low).max()), 1e-9)
    return [np.round((a - (low + high) / 2) * scale + canvas / 2).astype(np.int32) for a in arrays]
