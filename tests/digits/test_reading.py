"""The digit models' eleventh label and their reading (pure parts, no trained model): how an answer reads, the
generated non-digits, MNIST redrawn as pen paths, the real-digit readers and the pendigits path through the window."""

import numpy as np
import pytest

from mlplay.digits import image, models, nondigits, paths, real
from mlplay.digits.models import LABELS, NOT_A_DIGIT, read
from mlplay.errors import MlplayError

from helpers import shared_data


def probabilities(**given):
    p = np.full(len(LABELS), 0.0)
    for label, value in given.items():
        p[LABELS.index(NOT_A_DIGIT if label == "other" else label.lstrip("d"))] = value
    return p


def test_a_digit_that_holds_half_the_probability_is_sure():
    guess = read(LABELS, probabilities(d7=0.8, d1=0.15, other=0.05), top=3)
    assert (guess.label, guess.sure, guess.probability) == ("7", True, 0.8)
    assert [label for label, _ in guess.top] == ["7", "1", "0"]  # digits only: "not a digit" is not an answer
    assert guess.extra == {"not_a_digit": 0.05}


def test_otherwise_it_is_not_a_digit_with_its_best_guess():
    guess = read(LABELS, probabilities(d7=0.34, d1=0.09, other=0.57))
    assert not guess.sure and guess.label == "7"
    assert guess.verdict == "not a digit (best guess 7, 34 %)"
    assert not read(LABELS, probabilities(d7=0.45, d1=0.45, other=0.1)).sure  # two digits at odds: no digit wins
    assert models.flagged(np.stack([probabilities(d7=0.34, other=0.66), probabilities(d3=0.9, other=0.1)])).tolist() \
        == [True, False]


def test_a_model_without_the_eleventh_label_is_always_sure():
    guess = read(LABELS[:10], np.full(10, 0.1))
    assert guess.sure and guess.extra == {}


def test_generated_non_digits_are_reproducible_mnist_style_and_leave_out_digit_like_letters():
    a, b = nondigits.generate(20, seed=3), nondigits.generate(20, seed=3)
    assert a.shape == (20, 28, 28) and a.dtype == np.uint8 and (a == b).all()
    assert not (a == nondigits.generate(20, seed=4)).all()
    for x in a:  # MNIST-style: the ink fits a 20×20 box, its centre of mass in the middle
        ys, xs = np.nonzero(x > 32)
        assert max(ys.max() - ys.min(), xs.max() - xs.min()) <= 21
        mass = x.astype(float) / x.sum()
        assert abs(mass.sum(1) @ np.arange(28) - 13.5) < 1 and abs(mass.sum(0) @ np.arange(28) - 13.5) < 1
    assert not set("OoIlSsZzBGbgq0123456789") & set(nondigits.LETTERS)
    assert "circle" not in nondigits.DOODLES and "line" not in nondigits.DOODLES  # a 0 and a 1


def stroke_width(img: np.ndarray) -> float:
    """Ink (grey levels summed, 255 = one pixel) over skeleton length: the mean width of the strokes, in pixels."""
    skeleton = paths.thin(img > 100)
    return float(img.sum() / 255 / max(1, skeleton.sum()))


def test_quickdraw_bitmaps_are_widened_to_the_digit_pen():
    from mlplay.sketches.render import render

    square = [[(0, 0), (255, 0), (255, 255), (0, 255), (0, 0)]]
    bitmap = render(square)  # a Quick, Draw! bitmap: about 1.5 px strokes
    widened = nondigits.from_bitmap(bitmap, 0.12)
    drawn = image.strokes_image([[(100, 100), (300, 100), (300, 300), (100, 300), (100, 100)]])  # the window's pen
    assert stroke_width(widened) == pytest.approx(stroke_width(drawn), rel=0.2)
    assert stroke_width(widened) > 1.4 * stroke_width(image.to_mnist(bitmap))


def test_thinning_gives_a_one_pixel_skeleton_and_the_walk_covers_it():
    img = np.zeros((56, 56), bool)
    img[10:46, 24:31] = True  # a thick vertical bar
    img[40:46, 10:46] = True  # and a base: an upside-down T
    skeleton = paths.thin(img)
    assert skeleton.sum() < img.sum() / 4 and (skeleton <= img).all()
    strokes = paths.walk(skeleton, np.random.default_rng(0))
    visited = {tuple(p) for s in strokes for p in s.astype(int).tolist()}
    assert len(visited) >= 0.9 * skeleton.sum()
    assert len(paths.resample(strokes[0], 8)) == 8


def test_mnist_digits_redrawn_as_paths_are_mnist_style_and_reproducible():
    from helpers import synthetic_mnist

    digits = synthetic_mnist(8, 1)["x_train"]
    a, b = paths.generate(digits, seed=1), paths.generate(digits, seed=1)
    assert a.shape == digits.shape and (a == b).all() and all(x.any() for x in a)


def test_a_pen_path_is_drawn_as_a_mouse_stroke_on_the_window_canvas():
    """pendigits' 8 points (0–100 on each axis, y up) → one stroke on the 400×400 canvas, y down, 0.8 as wide as
    tall; what the window's own app gives its model for the same mouse events."""
    from mlplay.draw.app import DrawApp

    points = np.array([[0, 100], [100, 100], [60, 50], [30, 0], [30, 0], [30, 0], [30, 0], [30, 0]], float)  # a 7
    (stroke,) = real.pen_strokes(points)
    xs, ys = zip(*stroke)
    assert stroke[0] == (min(xs), min(ys)) and max(ys) - min(ys) == 240 and max(xs) - min(xs) == 192

    seen = []

    class Model:
        labels = LABELS

        def __call__(self, x):
            seen.append(x)
            return probabilities(d7=1.0)

    app = DrawApp(models.draw_task(), ["digits-cnn"], lambda name: Model(), lambda result: None)
    app.mouse("down", *stroke[0])
    for p in stroke[1:]:
        app.mouse("move", *p)
    app.mouse("up", *stroke[-1])
    assert np.array_equal(seen[-1], real.window_input(points))


def test_real_digits_are_copied_from_a_folder_and_checked(tmp_path):
    with pytest.raises(MlplayError, match="digits-real --data DIR"):
        real.usps()
    (tmp_path / "usps-train.npz").write_bytes(b"not the real file")
    with pytest.raises(MlplayError, match="no optdigits-first1000.npz|SHA-256"):
        real.fetch(tmp_path, log=lambda *a: None)
    assert real.cached() is None  # nothing half-copied


def test_the_shared_real_digits_read_as_documented():
    shared = shared_data()
    if shared is None or not (shared / "digits-real").is_dir():
        pytest.skip("needs the real digits in ../shared/data/digits-real")
    real.fetch(shared / "digits-real", log=lambda *a: None)
    assert real.cached() is not None
    x, y = real.usps()
    assert x.shape == (7291, 16, 16) and np.bincount(y).tolist()[:2] == [1194, 1005]
    x, y = real.optdigits()
    assert x.shape == (1000, 32, 32) and set(np.unique(x)) <= {0, 255}
    points, y = real.pendigits()
    assert points.shape == (7494, 8, 2) and points.min() == 0 and points.max() == 100
    assert real.window_input(points[0]).shape == (28, 28, 1)
