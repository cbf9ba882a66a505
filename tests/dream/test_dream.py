"""The digit generator's pure parts, headless and without TensorFlow: measures, latent walks, the window's state
machine, the pictures written by `mlplay dream digits --out`, the drawing window's strip."""

import json

import cv2
import numpy as np
import pytest

from mlplay.dream import app as dream_app, latent, measures, pictures, spread, tone
from mlplay.dream.strip import GeneratedStrip
from mlplay.errors import MlplayError

LATENT = 8


def fake_draw(z, digits):
    """A stand-in generator: the digit written by cv2, shifted by the first two latent values and as bright as the
    third says (so z shows)."""
    out = np.zeros((len(z), 28, 28), np.uint8)
    digits = np.asarray(digits)
    digits = digits.argmax(axis=1) if digits.ndim == 2 else digits
    for i, (v, d) in enumerate(zip(np.asarray(z), digits)):
        x, y = 7 + int(np.clip(round(v[0] * 2), -5, 5)), 22 + int(np.clip(round(v[1] * 2), -4, 4))
        ink = int(np.clip(round(200 + 25 * v[2]), 60, 255))
        cv2.putText(out[i], str(int(d)), (x, y), cv2.FONT_HERSHEY_SIMPLEX, 0.8, ink, 2)
    return out


class FakeDreamer:
    latent = LATENT

    def draw(self, z, digits):
        return fake_draw(z, digits)


# measures -------------------------------------------------------------------------------------------------
def test_frechet_matches_the_closed_form_for_diagonal_gaussians():
    a = measures.Gaussian(np.array([0.0, 1.0, 2.0]), np.diag([1.0, 4.0, 9.0]))
    b = measures.Gaussian(np.array([1.0, 1.0, 0.0]), np.diag([4.0, 4.0, 1.0]))
    # ‖μa − μb‖² + Σ (σa − σb)²  = (1 + 0 + 4) + ((1−2)² + 0 + (3−1)²) = 5 + 5
    assert measures.frechet(a, b) == pytest.approx(10.0, abs=1e-9)
    assert measures.frechet(a, a) == pytest.approx(0.0, abs=1e-9)


def test_frechet_of_samples_grows_with_the_shift_and_is_symmetric():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((4000, 5)) @ rng.standard_normal((5, 5))
    same = measures.frechet(measures.Gaussian.of(x[:2000]), measures.Gaussian.of(x[2000:]))
    shifted = measures.frechet(measures.Gaussian.of(x[:2000]), measures.Gaussian.of(x[2000:] + 1.0))
    back = measures.frechet(measures.Gaussian.of(x[2000:] + 1.0), measures.Gaussian.of(x[:2000]))
    assert same < 0.1 and shifted == pytest.approx(5.0, rel=0.1) and back == pytest.approx(shifted, rel=1e-6)


def test_mean_pairwise_distance_by_hand_and_zero_for_copies():
    a = np.zeros((28, 28), np.uint8)
    b = a.copy()
    b[0, :4] = 255  # 4 pixels of 1.0: distance 2
    c = a.copy()
    c[5, :9] = 255  # 9 pixels: distance 3 from a, √13 from b
    assert measures.mean_pairwise_distance(np.stack([a, b, c])) == pytest.approx((2 + 3 + np.sqrt(13)) / 3)
    assert measures.mean_pairwise_distance(np.stack([b] * 5)) == pytest.approx(0.0, abs=1e-6)


class TableJudge:
    """A judge that reads the digit from the picture's brightest column band (fake_draw does not need reading: the
    measure only needs probabilities and features); here: probabilities from a given table."""

    classes = 11

    def __init__(self, read):
        self.read = read

    def __call__(self, images):
        probs = np.eye(self.classes)[self.read[: len(images)]]
        return probs, images.reshape(len(images), -1).astype(np.float64)[:, :6] + probs[:, :6]


def test_measure_counts_digits_read_as_asked_and_the_not_a_digit_label():
    asked = np.repeat(np.arange(10), 4)
    read = asked.copy()
    read[[0, 5, 9]] = [3, 10, 10]  # one misread, two "not a digit"
    images = fake_draw(np.random.default_rng(1).standard_normal((40, LATENT)), asked)
    reference = measures.Reference(measures.Gaussian.of(TableJudge(asked)(images)[1]), np.ones(10))
    labels = [str(d) for d in range(10)] + ["not a digit"]
    found = measures.measure(TableJudge(read), images, asked, reference, labels)
    assert found["conditional_accuracy"] == pytest.approx(37 / 40)
    assert found["not_a_digit"] == pytest.approx(2 / 40)
    assert found["per_digit"]["conditional_accuracy"][:4] == [0.75, 0.75, 0.75, 1.0]


def test_diversity_is_low_for_a_collapsed_generator():
    asked = np.repeat(np.arange(10), 20)
    varied = fake_draw(np.random.default_rng(2).standard_normal((200, LATENT)), asked)
    collapsed = fake_draw(np.zeros((200, LATENT)), asked)
    reference_diversity = np.array([measures.mean_pairwise_distance(varied[asked == d]) for d in range(10)])
    reference = measures.Reference(measures.Gaussian(np.zeros(6), np.eye(6)), reference_diversity)
    judge = TableJudge(asked)
    assert measures.measure(judge, varied, asked, reference)["diversity_min"] == pytest.approx(1.0)
    assert measures.measure(judge, collapsed, asked, reference)["diversity_min"] == pytest.approx(0.0, abs=1e-6)


def test_the_sample_plan_is_fixed_by_its_seed():
    z, digits = measures.sample_plan(per_digit=3, latent=4)
    again, _ = measures.sample_plan(per_digit=3, latent=4)
    assert digits.tolist() == [d for d in range(10) for _ in range(3)]
    assert np.array_equal(z, again) and not np.array_equal(z, measures.sample_plan(3, 4, seed=5)[0])


def row(accuracy, frechet, diversity):
    return {"conditional_accuracy": accuracy, "frechet_distance": frechet, "diversity_min": diversity,
            "tone": np.full(256, round(10 * frechet) % 256, np.uint8)}  # a curve that says which row it came from


def test_the_spread_is_the_lowest_frechet_distance_that_keeps_the_variety():
    found = {0.5: row(1.0, 30.0, 0.60), 0.6: row(0.99, 12.0, 0.70), 0.7: row(0.99, 14.0, 0.79),
             0.8: row(0.98, 15.0, 0.81), 0.9: row(0.97, 20.0, 0.86), 1.0: row(0.96, 30.0, 0.90)}
    assert spread.choose(found) == 0.8  # 0.6 and 0.7 draw closer to the real digits but lose too much variety
    found[0.9] = row(0.97, 14.5, 0.86)
    assert spread.choose(found) == 0.9
    narrow = {psi: row(0.9, 10.0, 0.5) for psi in spread.GRID}
    assert spread.choose(narrow) == 1.0  # no variety to spare: z is left as the generator learned it
    chosen = spread.sampling(found)
    assert chosen["spread"] == 0.9 and set(chosen["validation"]) == {"0.5", "0.6", "0.7", "0.8", "0.9", "1.0"}
    assert chosen["tone"] == [145] * 256  # the chosen ψ's own curve, as plain numbers for the card
    assert "tone" not in chosen["validation"]["0.9"]


def test_the_tone_curve_matches_grey_levels_by_quantile():
    rng = np.random.default_rng(0)
    real = np.where(rng.random(100_000) < 0.8, 0, rng.integers(1, 256, 100_000)).astype(np.uint8)
    present = np.bincount(real, minlength=256) > 0
    assert np.array_equal(tone.fit(real, real)[present], np.arange(256)[present])  # same levels: each one kept
    hazy = (real // 2 + 20).astype(np.uint8)  # a grey haze, strokes half as bright: two levels share each one
    curve = tone.fit(hazy, real)
    assert curve[20] <= 1 and curve[147] == 255  # the haze goes back to black (0 and 1 shared it), the top to white
    assert np.all(np.diff(curve.astype(int)) >= 0)  # monotone: no level overtakes a brighter one
    assert np.abs(curve[hazy].astype(int) - real).mean() < 1.5  # the pictures' levels come back
    assert np.array_equal(tone.of_card({}), np.arange(256)) and tone.of_card({"sampling": {"tone": [3] * 256}})[9] == 3


def test_a_card_without_a_spread_draws_z_as_learned():
    assert spread.of_card({}) == 1.0 and spread.of_card({"sampling": {"spread": 0.8}}) == 0.8


# latent walks ---------------------------------------------------------------------------------------------
def test_arc_points_keep_the_prior_distribution():
    rng = np.random.default_rng(0)
    a, b = latent.vectors(rng, 20000, 2), latent.vectors(rng, 20000, 2)
    middle = np.stack([latent.arc(a[i], b[i], 0.5) for i in range(2000)])
    straight = 0.5 * (a[:2000] + b[:2000])
    assert middle.std() == pytest.approx(1.0, abs=0.05)  # N(0, I) all along the arc
    assert straight.std() == pytest.approx(np.sqrt(0.5), abs=0.05)  # a straight line shrinks towards 0
    assert np.allclose(latent.arc(a[0], b[0], 0), a[0]) and np.allclose(latent.arc(a[0], b[0], 1), b[0], atol=1e-6)


def test_a_walk_starts_at_its_cell_moves_smoothly_and_goes_on():
    start = latent.vectors(np.random.default_rng(3), 1, LATENT)[0]
    walk = latent.Walk(start, np.random.default_rng(4), seconds=2.0)
    times = np.arange(0, 7, 0.02)
    points = np.stack([walk.at(10 + t) for t in times])
    assert np.allclose(points[0], start)
    steps = np.linalg.norm(np.diff(points, axis=0), axis=1)
    assert steps.max() < 0.15  # no jumps at 50 frames a second, also where one leg ends and the next begins
    assert walk.legs == 3 and np.linalg.norm(points[-1] - start) > 1.0


# the window's state machine -------------------------------------------------------------------------------
class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def make_app(tmp_path, **kwargs):
    return dream_app.DreamApp(fake_draw, LATENT, tmp_path / "saved", seed=0, clock=Clock(), **kwargs)


def cell_centre(cell):
    row, column = divmod(cell, dream_app.SIDE)
    step = dream_app.CELL + dream_app.GAP
    return dream_app.MARGIN + column * step + dream_app.CELL // 2, dream_app.HEADER + row * step + dream_app.CELL // 2


def test_the_grid_has_one_row_a_digit_and_space_draws_new_samples(tmp_path):
    app = make_app(tmp_path)
    assert app.digits.reshape(10, 10).tolist() == [[d] * 10 for d in range(10)]
    frame = app.process(None, 0.0)
    assert frame.shape == (dream_app.HEADER + app.grid.shape[0], app.grid.shape[1] + dream_app.PANEL, 3)
    before = app.pictures.copy()
    app.key("space")
    assert app.digits.reshape(10, 10)[:, 0].tolist() == list(range(10))
    assert not np.array_equal(before, app.pictures)
    assert np.array_equal(app.pictures, fake_draw(app.z, app.digits))


def test_a_digit_key_fills_the_grid_and_a_brings_every_digit_back(tmp_path):
    app = make_app(tmp_path)
    app.key("7")
    assert (app.digits == 7).all() and len(app.pictures) == 100
    assert app.status.startswith("only 7s")
    app.key("a")
    assert app.digits.reshape(10, 10)[:, 3].tolist() == list(range(10))


def test_same_seed_same_grid(tmp_path):
    assert np.array_equal(make_app(tmp_path).pictures, make_app(tmp_path).pictures)


def test_clicking_a_cell_walks_from_it_with_its_digit_held(tmp_path):
    app = make_app(tmp_path)
    cell = 3 * 10 + 4  # row of 3s
    assert app.cell_at(*cell_centre(cell)) == cell
    assert app.cell_at(5, 5) is None and app.cell_at(*cell_centre(99)) == 99
    app.mouse("down", *cell_centre(cell))
    first = app.process(None, 100.0)
    assert np.array_equal(app.walk_picture, app.pictures[cell])  # the walk starts at the cell's own picture
    assert app.status.startswith("walking from the 3")
    seen = []
    for t in np.arange(100.02, 106, 0.1):
        app.process(None, t)
        seen.append(app.walk_picture.copy())
        assert np.array_equal(seen[-1], fake_draw(app.walk.at(t)[None], [3])[0])  # a 3 at the walk's point
    assert any(not np.array_equal(p, app.pictures[cell]) for p in seen)  # it moves
    assert not np.array_equal(first, app.process(None, 106.0))
    app.key("space")
    assert app.walk is None


def test_s_saves_the_grid_and_h_shows_help(tmp_path):
    app = make_app(tmp_path)
    path = app.save()
    saved = cv2.imread(str(path))
    assert saved.shape == app.grid.shape and np.array_equal(saved, app.grid)
    plain = app.process(None, 0.0)
    app.key("h")
    assert not np.array_equal(plain, app.process(None, 0.0))
    assert app.summary() == "100 digits drawn, 0 walks, 1 grids saved"


# pictures without a window --------------------------------------------------------------------------------
def test_pictures_are_written_one_file_each_and_the_seed_fixes_them(tmp_path, capsys):
    paths = pictures.write(FakeDreamer(), 3, 20, tmp_path / "threes", seed=5, jsonl=False)
    assert len(paths) == 20 and all(p.name.startswith("3-") for p in paths)
    first = [cv2.imread(str(p), cv2.IMREAD_GRAYSCALE) for p in paths]
    assert len({p.tobytes() for p in first}) == 20  # twenty different pictures
    again = pictures.write(FakeDreamer(), 3, 20, tmp_path / "again", seed=5, jsonl=False)
    assert all(np.array_equal(a, cv2.imread(str(b), cv2.IMREAD_GRAYSCALE)) for a, b in zip(first, again))
    assert "wrote 20 pictures of 3" in capsys.readouterr().out


def test_jsonl_prints_one_line_a_picture_and_no_digit_means_every_digit(tmp_path, capsys):
    pictures.write(FakeDreamer(), None, 12, tmp_path / "all", seed=1, jsonl=True)
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["digit"] for line in lines] == [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]
    assert all(line["seed"] == 1 and (tmp_path / "all" / f"{line['digit']}-{line['index']:04d}.png").exists()
               for line in lines)


def test_an_unwritable_out_is_one_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(MlplayError, match="is a file"):
        pictures.check_out(blocker)
    with pytest.raises(MlplayError, match="cannot make"):
        pictures.check_out(blocker / "below")


# the drawing window's strip --------------------------------------------------------------------------------
def test_the_strip_shows_the_guessed_digit_and_holds_still(tmp_path):
    strip = GeneratedStrip(fake_draw, LATENT, count=4)
    three = strip("3", 680)
    assert three.shape == (84, 680, 3)
    assert np.array_equal(three, strip("3", 680)) and not np.array_equal(three, strip("8", 680))
    assert np.array_equal(strip.pictures(3), fake_draw(strip.z, [3] * 4))
    nothing = strip(None, 680)
    assert not np.array_equal(nothing, three)


def test_the_strip_without_a_generator_says_why():
    missing = GeneratedStrip(None, missing="no generator: no model 'digits-gen'")("3", 400)
    assert missing.shape == (84, 400, 3) and missing[10:70, 10:300].max() > 100  # the message is drawn


def test_g_in_the_draw_window_toggles_the_strip_of_the_guessed_digit(tmp_path):
    from dataclasses import replace

    from mlplay.digits.models import draw_task
    from mlplay.draw.app import DrawApp

    class Seven:
        labels = [str(d) for d in range(10)]

        def __call__(self, x):
            return np.eye(10)[7] * 0.9 + 0.01

    made = []

    def strip():
        made.append(GeneratedStrip(fake_draw, LATENT, count=4))
        return made[-1]

    task = replace(draw_task(), save_dir=tmp_path, strip=strip)
    app = DrawApp(task, ["digits-cnn"], lambda name: Seven(), lambda event: None)
    plain = app.render()
    app.key("g")
    with_strip = app.render()
    assert with_strip.shape == (plain.shape[0] + 84, plain.shape[1], 3)
    assert np.array_equal(with_strip[plain.shape[0]:], made[0](None, plain.shape[1]))  # nothing drawn yet
    for kind, x, y in (("down", 200, 60), ("move", 200, 200), ("up", 200, 340)):
        app.mouse(kind, x, y)
    assert np.array_equal(app.render()[plain.shape[0]:], made[0]("7", plain.shape[1]))  # the guess: sevens
    app.key("g")
    assert app.render().shape == plain.shape and len(made) == 1


def test_the_draw_window_strip_without_a_trained_generator_says_so(tmp_path, monkeypatch):
    from mlplay.dream.strip import for_draw_window

    monkeypatch.setenv("MLPLAY_MODELS", str(tmp_path))
    strip = for_draw_window()
    assert strip.draw is None and "digits-gen" in strip.missing
