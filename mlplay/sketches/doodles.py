"""Procedural doodles: generated stand-ins for QuickDraw, in its exact 28×28 bitmap format.

Each class (all names are QuickDraw categories) is drawn as strokes, like QuickDraw's drawings: the shape's
corners jittered, its lines wobbling, drawn in one or several strokes, rotated a little, stretched, at a random
size and place, then rendered by `sketch_render.render` with a varying pen. Everything is decided by a
`numpy` generator seeded with (seed, split, index), so a data set is reproducible sample by sample.

This is generated data, not people's drawings: it teaches the shapes, not the variety of real sketches.
"""

import math

import numpy as np

from mlplay.sketches.render import PEN, render

CLASSES = ["circle", "square", "triangle", "hexagon", "star", "line", "zigzag", "house", "smiley face",
           "envelope", "lightning", "moon", "cloud", "sun", "diamond", "ladder"]
VERSION = 5  # bump when the drawings change: cached data sets carry it in their name
SPLITS = {"train": 0, "test": 1}


# Stroke helpers (unit coordinates: shapes span about -1…1, y points down) -------------------------------
def _arc(cx, cy, rx, ry, start, sweep, n=48):
    t = start + sweep * np.linspace(0, 1, max(4, int(n * abs(sweep) / (2 * math.pi)) + 2))
    return np.stack([cx + rx * np.cos(t), cy + ry * np.sin(t)], axis=1)


def _closed(vertices, rng, start=None):
    """A polygon drawn in one stroke from a random corner, ending near (not exactly at) where it began."""
    v = np.asarray(vertices, np.float64)
    k = int(rng.integers(len(v))) if start is None else start
    v = np.roll(v, -k, axis=0)
    end = v[0] + rng.normal(0, 0.04, 2)
    return np.vstack([v, end])


def _jitter(vertices, rng, sigma):
    return np.asarray(vertices, np.float64) + rng.normal(0, sigma, (len(vertices), 2))


def _bezier(p0, control, p1, n=16):
    t = np.linspace(0, 1, n)[:, None]
    return (1 - t) ** 2 * np.asarray(p0) + 2 * (1 - t) * t * np.asarray(control) + t**2 * np.asarray(p1)


# The classes ---------------------------------------------------------------------------------------------
def circle(rng):
    sweep = (2 * math.pi + rng.uniform(-0.3, 0.4)) * rng.choice([-1, 1])
    return [_arc(0, 0, 1, np.exp(rng.uniform(-0.45, 0.45)), rng.uniform(0, 2 * math.pi), sweep)]  # ovals too


def square(rng):
    h = np.exp(rng.uniform(-0.35, 0.35))  # squarish rectangles too
    corners = _jitter([(-1, -h), (1, -h), (1, h), (-1, h)], rng, 0.05)
    if rng.random() < 0.25:  # two L-shaped strokes
        return [corners[[0, 1, 2]], corners[[2, 3, 0]]]
    return [_closed(corners, rng)]


def triangle(rng):
    if rng.random() < 0.25:  # a right triangle: three corners of a box
        h = np.exp(rng.uniform(-0.4, 0.4))
        box = [(-1, -h), (1, -h), (1, h), (-1, h)]
        skip = int(rng.integers(4))
        return [_closed(_jitter([c for i, c in enumerate(box) if i != skip], rng, 0.05), rng)]
    apex = (rng.normal(0, 0.2) if rng.random() < 0.6 else rng.uniform(-1.1, 1.1), -1)  # isosceles, scalene, right
    corners = _jitter([apex, (1, 0.8), (-1, 0.8)], rng, 0.06)
    if rng.random() < 0.2:
        return [corners[[0, 1, 2]], corners[[2, 0]]]
    return [_closed(corners, rng)]


def hexagon(rng):
    turn = rng.choice([0.0, math.pi / 6]) + rng.normal(0, 0.05)
    angles = turn + np.arange(6) * math.pi / 3
    corners = _jitter(np.stack([np.cos(angles), np.sin(angles)], 1), rng, 0.05)
    return [_closed(corners, rng)]


def star(rng):
    angles = -math.pi / 2 + np.arange(5) * 2 * math.pi / 5 + rng.normal(0, 0.04, 5)
    outer = np.stack([np.cos(angles), np.sin(angles)], 1)
    if rng.random() < 0.65:  # the pentagram, drawn without lifting the pen
        return [_closed(_jitter(outer[[0, 2, 4, 1, 3]], rng, 0.05), rng)]
    inner_angles = angles + math.pi / 5
    r = rng.uniform(0.36, 0.5)
    inner = r * np.stack([np.cos(inner_angles), np.sin(inner_angles)], 1)
    outline = np.stack([outer, inner], 1).reshape(-1, 2)
    return [_closed(_jitter(outline, rng, 0.04), rng)]


def line(rng):
    bend = rng.normal(0, 0.04)
    return [_bezier((-1, 0), (0, bend), (1, 0))]


def zigzag(rng):
    n = int(rng.integers(4, 9))
    x = np.linspace(-1, 1, n) + rng.normal(0, 0.03, n)
    amplitude = rng.uniform(0.18, 0.45)
    y = amplitude * np.where(np.arange(n) % 2 == 0, -1, 1) * rng.choice([-1, 1]) + rng.normal(0, 0.03, n)
    return [np.stack([x, y], 1)]


def house(rng):
    w, top, peak = rng.uniform(0.6, 0.9), rng.uniform(-0.15, 0.15), rng.uniform(-1.0, -0.6)
    body = _jitter([(-w, top), (-w, 1), (w, 1), (w, top)], rng, 0.03)
    eave = rng.uniform(0, 0.15)
    roof = _jitter([(-w - eave, top), (rng.normal(0, 0.05), peak), (w + eave, top)], rng, 0.03)
    strokes = [body, roof] if rng.random() < 0.5 else [np.vstack([body, body[:1]]), roof]
    if rng.random() < 0.5:  # a door
        dw, dh = rng.uniform(0.12, 0.25), rng.uniform(0.3, 0.55)
        dx = rng.uniform(-w + dw + 0.05, w - dw - 0.05)
        strokes.append(_jitter([(dx - dw, 1), (dx - dw, 1 - dh), (dx + dw, 1 - dh), (dx + dw, 1)], rng, 0.02))
    if rng.random() < 0.3:  # a window
        c = rng.choice([-1, 1]) * w * 0.5
        s = rng.uniform(0.1, 0.18)
        strokes.append(_closed([(c - s, 0.3 - s), (c + s, 0.3 - s), (c + s, 0.3 + s), (c - s, 0.3 + s)], rng, 0))
    return strokes


def smiley_face(rng):
    face = circle(rng)[0]
    ex, ey = rng.uniform(0.25, 0.45), rng.uniform(-0.5, -0.2)
    eyes = []
    for side in (-1, 1):
        centre = np.array([side * ex, ey]) + rng.normal(0, 0.04, 2)
        if rng.random() < 0.5:
            eyes.append(centre[None])  # a dot
        else:
            eyes.append(np.vstack([centre - (0, 0.08), centre + (0, 0.08)]))
    width, depth, y = rng.uniform(0.35, 0.6), rng.uniform(0.15, 0.35), rng.uniform(0.2, 0.4)
    mouth = _arc(0, y - depth * 0.3, width, depth, math.pi * 0.1, math.pi * 0.8, 24)
    return [face, *eyes, mouth]


def envelope(rng):
    h = rng.uniform(0.5, 0.75)
    box = _jitter([(-1, -h), (1, -h), (1, h), (-1, h)], rng, 0.03)
    depth = -h + 2 * h * rng.uniform(0.3, 0.7)
    flap = np.vstack([box[0], (rng.normal(0, 0.05), depth), box[1]])
    return [_closed(box, rng), flap]


BOLT = [(-0.05, -1), (-0.5, 0.12), (-0.02, 0.12), (-0.3, 1), (0.5, -0.22), (0.05, -0.22), (0.4, -1)]


def lightning(rng):
    if rng.random() < 0.6:  # the outline of a bolt
        return [_closed(_jitter(BOLT, rng, 0.04), rng, 0)]
    drop = [(0.3, -1), (-0.25, rng.uniform(-0.05, 0.15)), (0.25, rng.uniform(-0.15, 0.05)), (-0.3, 1)]
    return [_jitter(drop, rng, 0.05)]


def moon(rng):
    t0 = rng.uniform(0.5, 1.6)  # from a fat crescent to a half moon
    outer = _arc(0, 0, 1, 1, t0, 2 * math.pi - 2 * t0, 40)
    control = (math.cos(t0) - rng.uniform(0.5, 1.4), rng.normal(0, 0.05))  # the inner curve bows inwards
    inner = _bezier(outer[-1], control, outer[0])
    shape = np.vstack([outer, inner[1:]])
    if rng.random() < 0.5:
        shape[:, 0] *= -1  # opening to the left
    return [shape]


def cloud(rng):
    ry, bumps = rng.uniform(0.45, 0.7), int(rng.integers(4, 9))
    flat = rng.random() < 0.4
    if flat:  # bumps along the top, a flat base
        angles = np.linspace(math.pi, 2 * math.pi, bumps + 1)
    else:
        angles = rng.uniform(0, 2 * math.pi) + np.linspace(0, 2 * math.pi, bumps + 1)
    angles[1:-1] += rng.normal(0, 0.08, bumps - 1)
    points = np.stack([np.cos(angles), ry * np.sin(angles)], 1)
    parts = []
    for a, b in zip(points[:-1], points[1:]):
        chord = b - a
        length = np.linalg.norm(chord) + 1e-9
        u = chord / length
        normal = np.array([u[1], -u[0]])  # outward for points going clockwise on screen
        s = np.linspace(0, math.pi, 12)[:, None]
        bulge = rng.uniform(0.6, 1.0)
        parts.append((a + b) / 2 - np.cos(s) * u * length / 2 + np.sin(s) * normal * bulge * length / 2)
    outline = np.vstack(parts)
    if flat:
        outline = np.vstack([outline, outline[:1]])
    return [outline]


def sun(rng):
    r = rng.uniform(0.4, 0.6)
    strokes = [circle(rng)[0] * r]
    n = int(rng.integers(6, 13))
    angles = rng.uniform(0, 2 * math.pi) + np.arange(n) * 2 * math.pi / n + rng.normal(0, 0.05, n)
    for a in angles:
        d = np.array([math.cos(a), math.sin(a)])
        strokes.append(np.vstack([d * (r + rng.uniform(0.08, 0.18)), d * rng.uniform(0.85, 1.05)]))
    return strokes


def diamond(rng):
    if rng.random() < 0.7:  # a rhombus, taller than wide
        w = rng.uniform(0.5, 0.8)
        return [_closed(_jitter([(0, -1), (w, rng.normal(0, 0.08)), (0, 1), (-w, rng.normal(0, 0.08))], rng, 0.04),
                        rng)]
    top, girdle = rng.uniform(0.35, 0.6), rng.uniform(-0.45, -0.15)  # a cut gem
    gem = _jitter([(-top, -0.8), (top, -0.8), (1, girdle), (0, 1), (-1, girdle)], rng, 0.04)
    return [_closed(gem, rng, 0), np.vstack([gem[4], gem[2]])]


def ladder(rng):
    x, n = rng.uniform(0.3, 0.5), int(rng.integers(3, 8))
    strokes = [_jitter([(-x, -1), (-x, 1)], rng, 0.03), _jitter([(x, -1), (x, 1)], rng, 0.03)]
    for y in np.linspace(-1, 1, n + 2)[1:-1] + rng.normal(0, 0.03, n):
        strokes.append(_jitter([(-x, y), (x, y)], rng, 0.02))
    return strokes


SHAPES = {"circle": circle, "square": square, "triangle": triangle, "hexagon": hexagon, "star": star, "line": line,
          "zigzag": zigzag, "house": house, "smiley face": smiley_face, "envelope": envelope, "lightning": lightning,
          "moon": moon, "cloud": cloud, "sun": sun, "diamond": diamond, "ladder": ladder}
assert list(SHAPES) == CLASSES


# Hand-drawn look ------------------------------------------------------------------------------------------
def _resample(stroke: np.ndarray, step: float) -> np.ndarray:
    if len(stroke) < 2:
        return stroke
    seg = np.linalg.norm(np.diff(stroke, axis=0), axis=1)
    t = np.concatenate([[0], np.cumsum(seg)])
    if t[-1] == 0:
        return stroke[:1]
    s = np.linspace(0, t[-1], max(2, int(t[-1] / step) + 1))
    return np.stack([np.interp(s, t, stroke[:, 0]), np.interp(s, t, stroke[:, 1])], 1)


def _wobble(stroke: np.ndarray, rng, amount: float) -> np.ndarray:
    """Smooth sideways drift along the stroke (a hand is not a ruler) plus a little tremor."""
    if len(stroke) < 2:
        return stroke + rng.normal(0, amount, 2)
    t = np.concatenate([[0], np.cumsum(np.linalg.norm(np.diff(stroke, axis=0), axis=1))])
    drift = np.zeros_like(stroke)
    for _ in range(2):
        frequency, phase = rng.uniform(1.5, 6), rng.uniform(0, 2 * math.pi, 2)
        drift += amount * np.sin(frequency * t[:, None] + phase)
    return stroke + drift + rng.normal(0, amount * 0.15, stroke.shape)


def strokes_for(name: str, rng: np.random.Generator) -> list[np.ndarray]:
    """One doodle of class `name` as strokes in screen-like coordinates (pixels, y down)."""
    strokes = [np.asarray(s, np.float64).reshape(-1, 2) for s in SHAPES[name](rng)]
    angle = rng.uniform(0, math.pi) if name == "line" else float(np.clip(rng.normal(0, 0.12), -0.3, 0.3))
    c, s = math.cos(angle), math.sin(angle)
    stretch = np.exp(rng.normal(0, 0.08, 2))
    shear = rng.normal(0, 0.05)
    matrix = np.array([[c, -s], [s, c]]) @ np.array([[stretch[0], shear], [0, stretch[1]]])
    amount = rng.uniform(0.004, 0.03)
    size, origin = rng.uniform(40, 300), rng.uniform(0, 400, 2)
    return [origin + size / 2 * _wobble(_resample(st @ matrix.T, 0.03), rng, amount) for st in strokes]


def doodle(name: str, rng: np.random.Generator) -> np.ndarray:
    """One 28×28 uint8 doodle of class `name` (pen between 0.75× and 1.3× QuickDraw's)."""
    return render(strokes_for(name, rng), pen=PEN * rng.uniform(0.75, 1.3))


def generate(per_class: int, seed: int = 0, split: str = "train", classes: list[str] | None = None):
    """`per_class` doodles of each class, interleaved: (x uint8 N×28×28, y int64 N). Same seed, same data."""
    classes = classes or CLASSES
    n = per_class * len(classes)
    x = np.zeros((n, 28, 28), np.uint8)
    y = np.arange(n, dtype=np.int64) % len(classes)
    for i in range(n):
        rng = np.random.default_rng([seed, SPLITS[split], i])
        x[i] = doodle(classes[y[i]], rng)
    return x, y


# The cached data set -----------------------------------------------------------------------------------------
TRAIN_PER_CLASS, TEST_PER_CLASS = 1000, 500


def cache_path(train_per_class: int = TRAIN_PER_CLASS, test_per_class: int = TEST_PER_CLASS, seed: int = 0):
    from mlplay.paths import datasets_dir

    return datasets_dir() / "doodles" / f"doodles-v{VERSION}-seed{seed}-{train_per_class}x{test_per_class}.npz"


def cached():
    path = cache_path()
    return path if path.exists() else None


def load(train_per_class: int = TRAIN_PER_CLASS, test_per_class: int = TEST_PER_CLASS, seed: int = 0,
         cache: bool = True, log=print) -> dict[str, np.ndarray]:
    """x_train, y_train, x_test, y_test (train and test from separate seeded streams); generated once, then cached."""
    path = cache_path(train_per_class, test_per_class, seed)
    if cache and path.exists():
        with np.load(path) as z:
            return {k: z[k] for k in ("x_train", "y_train", "x_test", "y_test")}
    if cache:
        log(f"generating {len(CLASSES)} × ({train_per_class} + {test_per_class}) doodles (seed {seed}) …")
    x_train, y_train = generate(train_per_class, seed, "train")
    x_test, y_test = generate(test_per_class, seed, "test")
    arrays = {"x_train": x_train, "y_train": y_train, "x_test": x_test, "y_test": y_test}
    if cache:
        from mlplay.fileio import atomic_path

        with atomic_path(path) as tmp, open(tmp, "wb") as f:
            np.savez_compressed(f, **arrays)
        log(f"doodles → {path}")
    return arrays


def fetch() -> "object":
    """`mlplay data fetch doodles`: generate the default data set into the cache (nothing is downloaded)."""
    load()
    return cache_path()
