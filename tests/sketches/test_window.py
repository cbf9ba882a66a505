"""The sketch window's logic (headless), canvas/data parity, and the record → train round trip."""

import json

import cv2
import numpy as np
from typer.testing import CliRunner

from mlplay import store
from mlplay.draw.app import DrawApp
from mlplay.draw.panels import sketch_panel
from mlplay.shell.window import fit_scale, text_width
from mlplay.sketches import data as sketch_data, doodles, models as sketches
from mlplay.sketches.render import render


class FakeModel:
    def __init__(self, labels):
        self.labels = labels

    def __call__(self, x):
        assert x.shape == (28, 28, 1) and x.dtype == np.float32
        return np.linspace(1, 2, len(self.labels)) / np.linspace(1, 2, len(self.labels)).sum()


def to_canvas(strokes, size=400, margin=40):
    """Fit float strokes into the canvas as integer mouse positions, as a hand on the canvas would give."""
    points = np.concatenate(strokes)
    low, span = points.min(0), (points.max(0) - points.min(0)).max()
    scale = (size - 2 * margin) / span
    return [[tuple(int(v) for v in np.round(margin + (p - low) * scale)) for p in s] for s in strokes]


def draw(app, strokes):
    for s in strokes:
        app.mouse("down", *s[0])
        for p in s[1:]:
            app.mouse("move", *p)
        app.mouse("up", *s[-1])


def make_app(tmp_path, label=None, out=None):
    task = sketches.draw_task()
    task.save_dir = tmp_path / "mine"
    model = FakeModel(doodles.CLASSES)
    return DrawApp(task, ["sketch-cnn"], lambda name: model, (out if out is not None else []).append,
                   record_label=label)


def test_a_doodle_drawn_on_the_canvas_reaches_the_model_as_the_data_has_it(tmp_path):
    app = make_app(tmp_path)
    assert app.task.thickness < 22  # a thinner pen on screen than for digits
    for i, name in enumerate(["circle", "triangle", "star", "house", "smiley face"]):
        strokes = doodles.strokes_for(name, np.random.default_rng([3, i]))
        on_canvas = to_canvas(strokes)
        app.key("c")
        draw(app, on_canvas)
        seen = sketches.canvas_input(app.canvas)[..., 0]
        assert np.array_equal(seen, render(on_canvas))  # the very function that made the data
        data = render(strokes).astype(float)  # the same doodle as the generator renders it
        ink_seen, ink_data = seen > 80, data > 80
        iou = (ink_seen & ink_data).sum() / (ink_seen | ink_data).sum()
        assert iou > 0.6, (name, iou)
        assert abs(seen.mean() - data.mean()) < 0.15 * data.mean()  # comparable stroke width


def test_panel_says_what_it_looks_like_with_three_more_guesses_and_fits_long_names():
    labels = doodles.CLASSES
    p = np.full(len(labels), 0.01)
    p[labels.index("smiley face")], p[labels.index("circle")] = 0.8, 0.1
    img = sketch_panel(400, 280, labels, p, np.zeros((28, 28, 1)), "sketch-cnn")
    assert img.shape == (400, 280, 3)
    assert text_width("smiley face", fit_scale("smiley face", 256, 1.0, 2), 2) <= 256
    assert fit_scale("a much longer name than the panel can hold", 100, 0.45) < 0.45


def test_empty_panel_lists_every_label_the_model_knows_within_its_width():
    from mlplay.draw.panels import wrap

    labels = store.open("sketch-cnn").labels  # the shipped model's 21, the real classes among them
    lines = wrap(labels, 256, 0.45)
    assert ", ".join(lines).replace(",,", ",") == ", ".join(labels)  # every label, in order, once
    assert all(text_width(line, 0.45) <= 256 for line in lines) and len(lines) <= 9
    empty = sketch_panel(400, 280, labels, None, None, "sketch-cnn")
    assert (empty[130:140 + 19 * len(lines)] > 0).any()  # the list is drawn, above where the thumbnail goes


def test_record_saves_what_the_model_sees_and_the_full_drawing(tmp_path):
    out = []
    app = make_app(tmp_path, label="circle", out=out)
    draw(app, to_canvas(doodles.strokes_for("circle", np.random.default_rng(0))))
    seen = sketches.canvas_input(app.canvas)
    app.key("s")
    saved = out[-1]
    assert saved["event"] == "saved" and saved["label"] == "circle"
    assert saved["path"].startswith(str(tmp_path / "mine" / "circle"))
    small = cv2.imread(saved["path"], cv2.IMREAD_GRAYSCALE)
    assert np.array_equal(small, seen[..., 0].astype(np.uint8))
    assert cv2.imread(saved["full"], cv2.IMREAD_GRAYSCALE).shape == (400, 400)


TICK = [np.array([(0.0, 0.6), (0.35, 1.0), (1.0, -0.2)])]  # a label the doodles do not have


def record(tmp_path, label, strokes_of, n=5):
    out = []
    app = make_app(tmp_path, label=label, out=out)
    for i in range(n):
        app.key("c")
        draw(app, to_canvas(strokes_of(np.random.default_rng([11, i]))))
        app.key("s")
    return [o for o in out if o["event"] == "saved"]


def test_record_then_train_round_trip(tmp_path):
    from mlplay.cli import app as cli
    from mlplay.runtime import Predictor

    record(tmp_path, "circle", lambda rng: doodles.strokes_for("circle", rng))
    jitter = lambda rng: [s + rng.normal(0, 0.03, s.shape) for s in TICK]  # noqa: E731
    ticks = record(tmp_path, "tick", jitter)
    mine = tmp_path / "mine"

    alone = sketches.load_data(mine, quick=False)
    assert alone.labels == ["circle", "tick"]
    assert alone.stream.count("test") == 2 and alone.stream.count("train") == 8  # one in five of each label held out
    assert alone.source.startswith("recorded drawings")

    models = tmp_path / "models"
    run = CliRunner().invoke(cli, ["train", "sketch-mlp", "--quick", "--data", "doodles", "--mix", str(mine),
                                   "--models-dir", str(models)])
    assert run.exit_code == 0, run.output
    card = json.loads((models / "sketch-mlp-quick" / "card.json").read_text())
    assert card["labels"] == [*doodles.CLASSES, "tick"]  # circle merged with the doodles' circle
    assert "generated doodles" in card["data"]["source"] and "recorded drawings" in card["data"]["source"]
    assert card["data"]["splits"]["test"] == len(doodles.CLASSES) * sketch_data.QUICK_TEST + 2
    predictor = Predictor(store.open("sketch-mlp-quick", models))
    image = cv2.imread(ticks[0]["path"], cv2.IMREAD_GRAYSCALE)[..., None].astype(np.float32)
    p = predictor(image)
    assert p.shape == (len(doodles.CLASSES) + 1,) and abs(p.sum() - 1) < 1e-4
