"""MNIST digits redrawn as pen paths, the way the drawing window draws what a mouse traces.

MNIST's digits are scans of ink: strokes of varying width, smooth curves. The drawing window sees something else:
the points a mouse passed through, joined by straight segments and drawn with an even pen. A quick stroke gives
few points (a circle becomes a polygon), and a pen path recorded without its lifts (a tablet's, UCI pendigits')
joins the strokes of a 4 or a crossed 7 with a straight line. To learn those too, each training digit can be
redrawn as a path:

1. thinned to a one-pixel skeleton (Zhang & Suen's thinning, at 56×56);
2. walked from its top-most end, always on to the next unvisited skeleton pixel (preferring to go straight on),
   jumping to the nearest unvisited pixel when stuck: one path per stroke, or one path with the jumps drawn;
3. resampled to a few evenly spaced points along the path (8 to 40), or kept whole;
4. sometimes stretched to fill a square and drawn narrower again, as pen paths normalised axis by axis are;
5. drawn by the window's own renderer (`image.strokes_image`).

Everything is seeded by (seed, index), so a data set is reproducible digit by digit.
"""

import cv2
import numpy as np

from mlplay.digits.image import fit_strokes, strokes_image

VERSION = 1  # bump when the redrawings change: cached ones carry it in their name
SCALE = 2  # thinning at 56×56: smoother skeletons than at 28×28
NEIGHBOURS = [(-1, 0), (-1, 1), (0, 1), (1, 1), (1, 0), (1, -1), (0, -1), (-1, -1)]  # P2…P9, clockwise from north


def thin(binary: np.ndarray) -> np.ndarray:
    """Zhang–Suen thinning of a boolean image to a one-pixel-wide skeleton."""
    img = np.pad(binary.astype(np.uint8), 1)
    while True:
        changed = False
        for step in (0, 1):
            p = [np.roll(np.roll(img, -dy, 0), -dx, 1) for dy, dx in NEIGHBOURS]
            count = sum(p)
            transitions = sum(((p[i] == 0) & (p[(i + 1) % 8] == 1)).astype(np.uint8) for i in range(8))
            p2, p4, p6, p8 = p[0], p[2], p[4], p[6]
            if step == 0:
                gone = (p2 * p4 * p6 == 0) & (p4 * p6 * p8 == 0)
            else:
                gone = (p2 * p4 * p8 == 0) & (p2 * p6 * p8 == 0)
            remove = (img == 1) & (count >= 2) & (count <= 6) & (transitions == 1) & gone
            if remove.any():
                img[remove] = 0
                changed = True
        if not changed:
            return img[1:-1, 1:-1].astype(bool)


def skeleton(digit: np.ndarray) -> np.ndarray:
    """The skeleton of an MNIST digit (28×28 grey) at 56×56, as a boolean image."""
    big = cv2.resize(digit, None, fx=SCALE, fy=SCALE, interpolation=cv2.INTER_LINEAR)
    return thin(big > 100)


def walk(skel: np.ndarray, rng: np.random.Generator) -> list[np.ndarray]:
    """The skeleton as strokes of (x, y) pixel positions: start at the top-most end (or the top-most pixel), go on
    to an unvisited neighbour (the one most in the current direction), start a new stroke at the nearest unvisited
    pixel when there is none."""
    ys, xs = np.nonzero(skel)
    if len(ys) == 0:
        return []
    left = set(zip(ys.tolist(), xs.tolist()))

    def neighbours(p):
        return [(p[0] + dy, p[1] + dx) for dy, dx in NEIGHBOURS if (p[0] + dy, p[1] + dx) in left]

    padded = np.pad(skel, 1).astype(np.uint8)
    count = sum(np.roll(np.roll(padded, -dy, 0), -dx, 1) for dy, dx in NEIGHBOURS)[1:-1, 1:-1]
    ends = list(zip(*(v.tolist() for v in np.nonzero(skel & (count == 1)))))
    start = min(ends or left, key=lambda p: (p[0], p[1]))
    strokes, current, direction = [], [start], np.zeros(2)
    left.discard(start)
    point = start
    while True:
        options = neighbours(point)
        if options:
            steps = [np.array([q[0] - point[0], q[1] - point[1]], float) for q in options]
            scores = [s @ direction / np.linalg.norm(s) + rng.normal(0, 0.05) for s in steps]
            best = int(np.argmax(scores))
            direction = 0.6 * direction + 0.4 * steps[best] / np.linalg.norm(steps[best])
            point = options[best]
            current.append(point)
            left.discard(point)
            continue
        strokes.append(current)
        if not left:
            break
        here = np.array(point)
        point = min(left, key=lambda q: (q[0] - here[0]) ** 2 + (q[1] - here[1]) ** 2)
        left.discard(point)
        current, direction = [point], np.zeros(2)
    strokes = [s for s in strokes if len(s) >= 3] or strokes[:1]  # stray pixels are not strokes
    return [np.array([(x, y) for y, x in s], np.float64) for s in strokes]


def resample(points: np.ndarray, n: int) -> np.ndarray:
    """`n` points evenly spaced along a polyline."""
    if len(points) < 2:
        return points
    t = np.concatenate([[0], np.cumsum(np.linalg.norm(np.diff(points, axis=0), axis=1))])
    if t[-1] == 0:
        return points[:1]
    s = np.linspace(0, t[-1], n)
    return np.stack([np.interp(s, t, points[:, 0]), np.interp(s, t, points[:, 1])], 1)


def redraw(digit: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One MNIST digit redrawn as a pen path by the window's renderer (see the module docstring), 28×28 uint8."""
    strokes = walk(skeleton(digit), rng)
    if not strokes:
        return np.zeros((28, 28), np.uint8)
    joined = rng.random() < 0.5  # the lifts drawn as lines, as a path recorded without them
    if joined:
        strokes = [np.concatenate(strokes)]
    if rng.random() < 0.7:  # few points: a quick stroke, or a path resampled to a fixed number of points
        total = int(rng.integers(8, 41))
        lengths = np.array([max(1e-9, np.linalg.norm(np.diff(s, axis=0), axis=1).sum()) for s in strokes])
        counts = np.maximum(2, np.round(total * lengths / lengths.sum())).astype(int)
        strokes = [resample(s, int(c)) for s, c in zip(strokes, counts)]
    if rng.random() < 0.3:  # stretched to fill a square, then drawn 0.6–1 times as wide as tall
        points = np.concatenate(strokes)
        low, span = points.min(axis=0), np.maximum(np.ptp(points, axis=0), 1e-9)
        aspect = rng.uniform(0.6, 1.0)
        strokes = [(s - low) / span * [aspect, 1.0] for s in strokes]
    return strokes_image(fit_strokes(strokes, span=rng.uniform(0.4, 0.8)))


def generate(digits: np.ndarray, seed: int = 0) -> np.ndarray:
    """Each digit of `digits` (N×28×28) redrawn as a path: N×28×28 uint8. Same seed, same drawings."""
    out = np.zeros((len(digits), 28, 28), np.uint8)
    for i, digit in enumerate(digits):
        out[i] = redraw(digit, np.random.default_rng([seed, i]))
    return out
