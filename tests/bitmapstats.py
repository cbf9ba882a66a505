"""Statistics of 28×28 sketch bitmaps, to compare rendered strokes with real Quick, Draw! bitmaps."""

import numpy as np


def skeleton(ink: np.ndarray) -> np.ndarray:
    """Zhang–Suen thinning of a stack of binary images (N × H × W) to one-pixel-wide lines."""
    img = np.pad(ink.astype(np.uint8), ((0, 0), (1, 1), (1, 1)))
    changed = True
    while changed:
        changed = False
        for step in (0, 1):
            c = img[:, 1:-1, 1:-1]
            p2, p3, p4, p5 = img[:, :-2, 1:-1], img[:, :-2, 2:], img[:, 1:-1, 2:], img[:, 2:, 2:]
            p6, p7, p8, p9 = img[:, 2:, 1:-1], img[:, 2:, :-2], img[:, 1:-1, :-2], img[:, :-2, :-2]
            ring = [p2, p3, p4, p5, p6, p7, p8, p9, p2]
            neighbours = sum(p.astype(int) for p in ring[:8])
            transitions = sum(((a == 0) & (b == 1)).astype(int) for a, b in zip(ring[:8], ring[1:]))
            if step == 0:
                side = (p2 * p4 * p6 == 0) & (p4 * p6 * p8 == 0)
            else:
                side = (p2 * p4 * p8 == 0) & (p2 * p6 * p8 == 0)
            remove = (c == 1) & (neighbours >= 2) & (neighbours <= 6) & (transitions == 1) & side
            if remove.any():
                changed = True
                c[remove] = 0
    return img[:, 1:-1, 1:-1].astype(bool)


def bitmap_stats(x: np.ndarray) -> dict:
    """Medians over a stack of bitmaps (white on black): where the ink is and how wide the strokes are."""
    x = np.asarray(x, np.float64).reshape(-1, 28, 28)
    ink = x > 0
    rows, cols = ink.any(2), ink.any(1)

    def first_last(m):
        return m.argmax(1), m.shape[1] - 1 - m[:, ::-1].argmax(1)

    top, bottom = first_last(rows)
    left, right = first_last(cols)
    length = skeleton(x > 127).sum((1, 2))
    return {
        "longer_side": float(np.median(np.maximum(bottom - top, right - left) + 1)),
        "margin": float(np.median(np.minimum(top, left))),
        "centre": float(np.mean(np.concatenate([(top + bottom) / 2, (left + right) / 2]))),
        "stroke_width": float(np.median(x.sum((1, 2)) / 255 / np.maximum(length, 1))),  # ink per pixel of line
        "ink_value": float(x[ink].mean()),  # mean grey level of the inked pixels (anti-aliasing profile)
    }
