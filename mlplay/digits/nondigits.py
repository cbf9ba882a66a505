"""Drawings that are not digits: what the digit models learn to answer "not a digit" for.

Three kinds, every one drawn the way the digit window draws (a pen of 12 % of the drawing's size, then cropped,
scaled into 20×20 and centred by mass, as MNIST was made; mlplay/digits/image.py):

- real drawings of things: Quick, Draw! bitmaps (people's drawings of 37 classes), their strokes thickened to the
  digit pen's share of the drawing (`from_bitmaps`). Only rows outside Quick, Draw!'s test split are trained on;
  its test rows measure how many real drawings are flagged.
- generated letters and signs: the capitals and small letters that no digit resembles, and a few signs
  (`LETTERS`), in OpenCV's stroke fonts, slanted, turned and stretched a little, a pen of 8–16 % of their size.
- generated scribbles: tangles, hatching, spirals, grids, crossed polygons and dots (`SCRIBBLES`), and the
  generated doodle shapes that no digit resembles (`DOODLES`: not the circle, a 0; not the line, a 1).

Letters that look like digits (O, I, l, S, Z, B, G, b, g, q, …) are left out on purpose: a person's "S" and "5"
can be the same drawing. Everything is decided by a numpy generator seeded with (seed, split, index).
"""

import math

import cv2
import numpy as np

from mlplay.digits.image import fit_strokes, strokes_image, to_mnist

# Not O/o/Q/D (0), I/i/l/j/J/T/t (1, 7), Z/z (2), S/s (5), B/& (8), G/b (6), g/q/a/d/p (9), Y/y (an open 4)
LETTERS = "ACEFHKMNPRUVWXacefhkmnruvwx#@%*+"
FONTS = (cv2.FONT_HERSHEY_SIMPLEX, cv2.FONT_HERSHEY_DUPLEX, cv2.FONT_HERSHEY_COMPLEX, cv2.FONT_HERSHEY_TRIPLEX,
         cv2.FONT_HERSHEY_SCRIPT_SIMPLEX, cv2.FONT_HERSHEY_PLAIN)
DOODLES = ["square", "triangle", "hexagon", "star", "zigzag", "house", "smiley face", "envelope", "lightning",
           "moon", "cloud", "sun", "diamond", "ladder"]
SPLITS = {"train": 0, "validation": 1, "test": 2}
VERSION = 1  # bump when the generated drawings change: cached ones carry it in their name


# Letters and signs ----------------------------------------------------------------------------------------
def letter(rng: np.random.Generator) -> np.ndarray:
    """One letter or sign (sometimes two or three of them: a short word), 28×28 MNIST-style."""
    count = 1 if rng.random() < 0.8 else int(rng.integers(2, 4))
    chars = "".join(rng.choice(list(LETTERS), count))
    font = int(rng.choice(FONTS))
    scale = cv2.getFontScaleFromHeight(font, 60)
    (w, h), base = cv2.getTextSize(chars, font, scale, 1)
    thickness = max(2, round(rng.uniform(0.08, 0.16) * max(w, h + base)))
    side = int(max(w, h + base) + 4 * thickness + 40)
    img = np.zeros((side, side), np.uint8)
    cv2.putText(img, chars, ((side - w) // 2, (side + h) // 2), font, scale, 255, thickness, cv2.LINE_AA)
    angle, shear = rng.normal(0, 8), rng.normal(0, 0.15)
    stretch = np.exp(rng.normal(0, 0.12))
    turn = cv2.getRotationMatrix2D((side / 2, side / 2), angle, 1.0)
    matrix = turn[:, :2] @ np.array([[stretch, shear], [0, 1]])
    offset = np.array([side / 2, side / 2]) - matrix @ np.array([side / 2, side / 2])
    warped = cv2.warpAffine(img, np.hstack([matrix, offset[:, None]]), (side, side), flags=cv2.INTER_LINEAR)
    return to_mnist(warped)


# Scribbles ----------------------------------------------------------------------------------------------------
def _smooth(points: np.ndarray, per_segment: int = 10) -> np.ndarray:
    """A Catmull-Rom curve through the points (a hand's curve rather than a polygon)."""
    p = np.vstack([2 * points[0] - points[1], points, 2 * points[-1] - points[-2]])
    t = np.linspace(0, 1, per_segment, endpoint=False)[:, None]
    out = []
    for i in range(1, len(p) - 2):
        p0, p1, p2, p3 = p[i - 1], p[i], p[i + 1], p[i + 2]
        out.append(0.5 * (2 * p1 + (-p0 + p2) * t + (2 * p0 - 5 * p1 + 4 * p2 - p3) * t**2
                          + (-p0 + 3 * p1 - 3 * p2 + p3) * t**3))
    return np.vstack(out + [points[-1:]])


def tangle(rng):
    return [_smooth(rng.uniform(0, 1, (int(rng.integers(9, 15)), 2)))]


def hatching(rng):
    angle, n = rng.uniform(0, math.pi), int(rng.integers(3, 8))
    along, across = np.array([math.cos(angle), math.sin(angle)]), np.array([-math.sin(angle), math.cos(angle)])
    length = rng.uniform(0.6, 1.2)
    return [np.stack([c - along * length / 2, c + along * length / 2]) + rng.normal(0, 0.03, (2, 2))
            for c in (across[None] * np.linspace(-0.5, 0.5, n)[:, None])]


def spiral(rng):
    turns = rng.uniform(2.5, 4.5)
    t = np.linspace(0, turns * 2 * math.pi, int(40 * turns))
    r = 0.1 + t / t[-1]
    return [np.stack([r * np.cos(t), r * np.sin(t) * rng.uniform(0.7, 1.3)], 1)]


def grid(rng):
    lines = []
    for _ in range(int(rng.integers(2, 4))):
        x = rng.uniform(0.15, 0.85)
        lines.append(np.array([[x, 0.0], [x + rng.normal(0, 0.05), 1.0]]))
    for _ in range(int(rng.integers(2, 4))):
        y = rng.uniform(0.15, 0.85)
        lines.append(np.array([[0.0, y], [1.0, y + rng.normal(0, 0.05)]]))
    return lines


def crossed_polygon(rng):
    n = int(rng.choice([5, 7, 8, 9]))
    step = int(rng.choice([k for k in range(2, n // 2 + 1) if math.gcd(k, n) == 1] or [2]))
    angles = (np.arange(n + 1) * step % n) * 2 * math.pi / n + rng.uniform(0, 2 * math.pi)
    return [np.stack([np.cos(angles), np.sin(angles)], 1) + rng.normal(0, 0.05, (n + 1, 2))]


def dots(rng):
    n = int(rng.integers(4, 12))
    centres = rng.uniform(0, 1, (n, 2))
    return [np.stack([c, c + rng.normal(0, 0.015, 2)]) for c in centres]


SCRIBBLES = {"tangle": tangle, "hatching": hatching, "spiral": spiral, "grid": grid,
             "crossed polygon": crossed_polygon, "dots": dots}


def scribble(rng: np.random.Generator) -> np.ndarray:
    """One scribble or generated doodle shape, drawn as the digit window draws strokes, 28×28."""
    from mlplay.sketches import doodles

    if rng.random() < 0.5:
        strokes = doodles.strokes_for(str(rng.choice(DOODLES)), rng)
    else:
        strokes = SCRIBBLES[str(rng.choice(list(SCRIBBLES)))](rng)
    return strokes_image(fit_strokes(strokes))


def generate(n: int, seed: int = 0, split: str = "train") -> np.ndarray:
    """`n` generated non-digits (letters and scribbles, half each), N×28×28 uint8. Same seed, same drawings."""
    out = np.zeros((n, 28, 28), np.uint8)
    for i in range(n):
        rng = np.random.default_rng([seed, SPLITS[split], i])
        out[i] = letter(rng) if i % 2 == 0 else scribble(rng)
    return out


# Real drawings ---------------------------------------------------------------------------------------------
UPSCALE = 4  # Quick, Draw!'s 28×28 bitmaps are thickened at 112×112


def from_bitmap(bitmap: np.ndarray, fraction: float = 0.12) -> np.ndarray:
    """A Quick, Draw! bitmap (28×28, strokes about 1.5 px for a drawing 26 px across: 6 % of its size) with its
    strokes widened to `fraction` of its size, as the digit window's pen is, then made MNIST-style."""
    big = cv2.resize(np.asarray(bitmap, np.uint8).reshape(28, 28), None, fx=UPSCALE, fy=UPSCALE,
                     interpolation=cv2.INTER_LINEAR)
    ink = np.argwhere(big > 64)
    if len(ink) == 0:
        return np.zeros((28, 28), np.uint8)
    extent = float((ink.max(axis=0) - ink.min(axis=0)).max())
    grow = max(0, round(fraction * extent - 0.06 * extent))  # the pen's extra width, pixels at 112×112
    if grow > 0:
        kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (grow + 1, grow + 1))
        big = cv2.dilate(big, kernel)
    return to_mnist(big)


def from_bitmaps(bitmaps: np.ndarray, seed: int = 0) -> np.ndarray:
    """Many bitmaps, each widened to a pen of 8–16 % of its size (seeded): N×28×28 uint8."""
    rng = np.random.default_rng(seed)
    fractions = rng.uniform(0.08, 0.16, len(bitmaps))
    return np.stack([from_bitmap(b, f) for b, f in zip(bitmaps, fractions)]) if len(bitmaps) else \
        np.zeros((0, 28, 28), np.uint8)


def missing_quickdraw() -> list[str]:
    """The sketch models' real classes whose Quick, Draw! file is not fetched."""
    from mlplay.sketches import quickdraw
    from mlplay.sketches.data import REAL_CLASSES

    return [c for c in REAL_CLASSES if not (quickdraw.folder() / f"{c}.npy").exists()]


def fetch_quickdraw() -> list[str]:
    """Fetch the classes that are missing (an error, one line, when offline); returns those still missing: none."""
    from mlplay.sketches import quickdraw
    from mlplay.sketches.data import REAL_PER_CLASS

    missing = missing_quickdraw()
    if missing:
        quickdraw.fetch(missing, REAL_PER_CLASS)
    return missing_quickdraw()


def quickdraw_split(fetch: bool, quick: bool, every: int = 2):
    """The Quick, Draw! drawings the digit models learn as "not a digit": every `every`-th training row and
    validation row of each of the sketch models' real classes (the sketch models' split: test rows never), widened
    like a digit-window drawing. Returns (train N×28×28, validation, description). Fetched on first use when
    `fetch`; otherwise only what is already fetched (none with --quick)."""
    from mlplay.digits.data import cached_array
    from mlplay.sketches import quickdraw
    from mlplay.sketches.data import REAL_CLASSES
    from mlplay.sketches.stream import SPLITS as ROWS, file_splits

    empty = np.zeros((0, 28, 28), np.uint8)
    if quick:
        return empty, empty, "no Quick, Draw! drawings (--quick)"
    missing = fetch_quickdraw() if fetch else missing_quickdraw()
    if missing:
        return empty, empty, ("no Quick, Draw! drawings (not fetched: mlplay data fetch quickdraw --classes "
                              "<the sketch models' classes>)")
    raw = {"train": [], "validation": []}
    for _, path in quickdraw.class_files(None, REAL_CLASSES):
        rows = np.load(path, mmap_mode="r")
        codes = file_splits(np.arange(len(rows)))
        for split in raw:
            raw[split].append(np.asarray(rows[np.flatnonzero(codes == ROWS[split])[::every]]).reshape(-1, 28, 28))
    train, validation = (np.concatenate(raw[k]) for k in ("train", "validation"))
    widened = [cached_array(f"quickdraw-v{VERSION}-{split}", x, lambda x=x, seed=seed: from_bitmaps(x, seed))
               for split, x, seed in (("train", train, 0), ("validation", validation, 1))]
    return (*widened, f"people's Quick, Draw! drawings of {len(REAL_CLASSES)} classes (every {every}th training "
                      f"and validation row of each class, {len(train):,} + {len(validation):,}; {quickdraw.CREDIT})")


def quickdraw_test() -> tuple[np.ndarray, np.ndarray, list[str]] | None:
    """The held-out Quick, Draw! drawings (every 7th row of each class, the sketch models' test rows, never trained
    on by either family), widened like a digit-window drawing: (N×28×28, class index, class names), or None when
    they are not fetched."""
    from mlplay.digits.data import cached_array
    from mlplay.sketches import quickdraw
    from mlplay.sketches.data import REAL_CLASSES
    from mlplay.sketches.stream import SPLITS as ROWS, file_splits

    if any(not (quickdraw.folder() / f"{c}.npy").exists() for c in REAL_CLASSES):
        return None
    xs, ys = [], []
    for i, (_, path) in enumerate(quickdraw.class_files(None, REAL_CLASSES)):
        rows = np.load(path, mmap_mode="r")
        test = np.flatnonzero(file_splits(np.arange(len(rows))) == ROWS["test"])
        xs.append(np.asarray(rows[test]).reshape(-1, 28, 28))
        ys.append(np.full(len(test), i))
    raw = np.concatenate(xs)
    return cached_array(f"quickdraw-v{VERSION}-test", raw, lambda: from_bitmaps(raw, 2)), np.concatenate(ys), \
        list(REAL_CLASSES)
