"""Render stroke drawings the way QuickDraw's 28×28 numpy bitmaps are made (pure numpy + cv2).

QuickDraw's "simplified" drawings are moved to the top-left corner, scaled uniformly so that the longer side
spans 0–255 and simplified (Ramer–Douglas–Peucker, ε = 2). The 28×28 bitmaps draw them with a 16-unit round pen,
anti-aliased, white on black, centred in a frame of 256 units plus a margin of 16 + 8 (half the pen) units on
each side: a scale of 28/304. Measured on the real bitmaps (6 × 2,000 in the shared sample): the ink's longer
side spans 26 pixels, 1 pixel from the border, centred at 13.5, and strokes are about 1.5 pixels wide; this
renderer gives the same (tests/sketches/test_data.py compares them).

The doodle generator and the drawing window both call `render`, so generated doodles, real QuickDraw
bitmaps and mouse drawings reach the model in one format.
"""

import cv2
import numpy as np

SIZE = 28  # output side, pixels
FRAME = 256.0  # the simplified drawings' coordinate range
PEN = 16.0  # pen diameter, frame units
MARGIN = 16.0 + PEN / 2  # frame units around the drawing on each side
EPSILON = 2.0  # simplification tolerance, frame units
SUPERSAMPLE = 16  # draw this many times larger, then average down (area-exact anti-aliasing)
_SHIFT = 4  # fractional bits for cv2's sub-pixel drawing

Strokes = list  # a list of strokes, each an (n, 2) array-like of x, y points


def normalise(strokes: Strokes) -> list[np.ndarray]:
    """Move to the top-left corner and scale uniformly so the longer side spans 0–255 (as QuickDraw's data)."""
    arrays = [np.asarray(s, np.float64).reshape(-1, 2) for s in strokes if len(s)]
    if not arrays:
        return []
    points = np.concatenate(arrays)
    low = points.min(axis=0)
    span = float((points.max(axis=0) - low).max())
    scale = (FRAME - 1) / span if span > 0 else 1.0
    return [(a - low) * scale for a in arrays]


def rdp(points: np.ndarray, epsilon: float = EPSILON) -> np.ndarray:
    """Ramer–Douglas–Peucker: keep the points farther than `epsilon` from the simplified path.

    Distances are to segments, not infinite lines, so a stroke that ends where it began (a closed triangle)
    keeps its corners (OpenCV's approxPolyDP loses a side of such a stroke).
    """
    n = len(points)
    if n < 3:
        return points
    keep = np.zeros(n, bool)
    keep[[0, -1]] = True
    stack = [(0, n - 1)]
    while stack:
        i, j = stack.pop()
        if j <= i + 1:
            continue
        a, inner = points[i], points[i + 1 : j]
        ab = points[j] - a
        length2 = float(ab @ ab)
        t = np.clip((inner - a) @ ab / length2, 0, 1) if length2 > 0 else np.zeros(len(inner))
        distance = np.linalg.norm(inner - (a + t[:, None] * ab), axis=1)
        k = int(np.argmax(distance))
        if distance[k] > epsilon:
            keep[i + 1 + k] = True
            stack += [(i, i + 1 + k), (i + 1 + k, j)]
    return points[keep]


def simplify(strokes: list[np.ndarray], epsilon: float = EPSILON) -> list[np.ndarray]:
    """Ramer–Douglas–Peucker on each stroke, as QuickDraw simplified its drawings."""
    return [rdp(np.asarray(s, np.float64), epsilon) for s in strokes]


def render(strokes: Strokes, size: int = SIZE, pen: float = PEN) -> np.ndarray:
    """Strokes in any coordinates → size×size uint8, white strokes on black, scaled to fit and centred.

    `pen` is the pen diameter in frame units (QuickDraw's bitmaps use 16: about 1.5 pixels at 28×28).
    """
    shapes = simplify(normalise(strokes))
    out = np.zeros((size, size), np.uint8)
    if not shapes:
        return out
    extent = np.concatenate(shapes).max(axis=0)
    offset = (FRAME - extent) / 2 + MARGIN  # centre the drawing's box in the frame
    big = size * SUPERSAMPLE
    scale = big / (FRAME + 2 * MARGIN)
    canvas = np.zeros((big, big), np.uint8)
    thickness = max(1, int(round(pen * scale)) - 1)  # cv2 draws thick lines about one pixel wider than asked
    for s in shapes:
        points = np.round((s + offset) * scale * (1 << _SHIFT)).astype(np.int32)
        if len(points) == 1 or np.all(points == points[0]):
            centre = tuple(int(v) for v in points[0])
            cv2.circle(canvas, centre, max(1, thickness // 2) << _SHIFT, 255, -1, cv2.LINE_8, _SHIFT)
        else:
            cv2.polylines(canvas, [points], False, 255, thickness, cv2.LINE_8, _SHIFT)
    return cv2.resize(canvas, (size, size), interpolation=cv2.INTER_AREA)


def fit_image(grey: np.ndarray, size: int = SIZE) -> np.ndarray:
    """A picture of a drawing (white on black) → size×size: cropped to the ink, scaled to fit, centred.

    For images without strokes (scans, saved PNGs); the pen width is whatever the picture has.
    """
    from mlplay.imageio import fit_box

    out = np.zeros((size, size), np.uint8)
    inner = size * (FRAME - 1 + PEN) / (FRAME + 2 * MARGIN)  # the longer side's ink extent in a rendered bitmap
    small = fit_box(grey, inner)
    if not small.any():
        return out
    h, w = small.shape
    y, x = (size - h) // 2, (size - w) // 2
    out[y : y + h, x : x + w] = small[: size - y, : size - x]
    return out
