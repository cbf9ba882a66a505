"""The draw window's state machine, driven headless with fake events, a fake clock and a fake model."""

import numpy as np
import pytest

from mlplay.digits.models import canvas_input, draw_task
from mlplay.draw.app import DrawApp, format_line
from mlplay.errors import MlplayError


class FakeModel:
    labels = [str(d) for d in range(10)]

    def __init__(self, favourite):
        self.favourite, self.calls = favourite, 0

    def __call__(self, x):
        assert x.shape == (28, 28, 1)
        self.calls += 1
        p = np.full(10, 0.01)
        p[self.favourite] = 0.91
        return p


class Clock:
    def __init__(self):
        self.t = 0.0

    def __call__(self):
        return self.t


def make_app(tmp_path, label=None):
    task = draw_task()
    task.save_dir = tmp_path / "mine"
    models = {"digits-cnn": FakeModel(1), "digits-mlp": FakeModel(7)}
    out, clock = [], Clock()
    app = DrawApp(task, list(models), models.__getitem__, out.append, record_label=label, clock=clock)
    return app, models, out, clock


def stroke(app, points, clock=None):
    app.mouse("down", *points[0])
    for p in points[1:]:
        if clock:
            clock.t += 0.01
        app.mouse("move", *p)
        app.tick()
    app.mouse("up", *points[-1])


def test_a_stroke_gives_one_settled_prediction(tmp_path):
    app, models, out, _ = make_app(tmp_path)
    stroke(app, [(200, 60), (200, 200), (200, 340)])
    assert [o["label"] for o in out] == ["1"]
    assert out[0]["model"] == "digits-cnn" and out[0]["strokes"] == 1
    assert format_line(out[0]).startswith("1 0.910 (digits-cnn")
    assert app.render().shape == (400, 400 + 280, 3)


def test_live_predictions_are_throttled_while_drawing(tmp_path):
    app, models, out, clock = make_app(tmp_path)
    points = [(100, 100 + i) for i in range(100)]  # 100 moves, 10 ms apart = 1 s of drawing
    stroke(app, points, clock)
    live = models["digits-cnn"].calls - 1  # minus the settled prediction at mouse-up
    assert 10 <= live <= 25  # one every 50 ms, not one per mouse move


def test_keys_clear_switch_model_and_help(tmp_path):
    app, models, out, _ = make_app(tmp_path)
    stroke(app, [(150, 150), (250, 250)])
    app.key("m")
    assert app.model == "digits-mlp" and out[-1]["label"] == "7"  # re-predicted with the other model
    app.key("h")
    assert app.show_help
    app.key("c")
    assert app.canvas.empty and app.probabilities is None
    app.key("q")
    assert app.running  # q/Esc are the window loop's (one quit policy for every window), not the app's


class ScriptedWindow:
    """A display for the window loop: hands it one key a frame, then says it was closed (or never)."""

    def __init__(self, keys, closes=False):
        self.keys, self.closes, self.shown = list(keys), closes, []

    def show(self, frame):
        self.shown.append(frame.shape)

    def poll(self, wait_ms=1):
        return self.keys.pop(0) if self.keys else None

    def closed(self):
        return self.closes and not self.keys

    def close(self):
        pass


@pytest.mark.parametrize("keys, closes, reason", [(["c", "h", "q"], False, "quit"), (["esc"], False, "quit"),
                                                  (["c"], True, "window closed")])
def test_the_window_loop_ends_the_draw_app_by_its_quit_policy_and_prints_its_summary(tmp_path, keys, closes, reason):
    import io

    from mlplay.shell import window

    app, _, _, _ = make_app(tmp_path)
    log = io.StringIO()
    stats = window.run(app, ScriptedWindow(keys, closes), log=log)
    assert stats.reason == reason and stats.frames == len(keys)
    assert log.getvalue() == "0 guesses, 0 drawings saved\n"


def test_s_saves_model_input_and_full_drawing_under_the_label(tmp_path):
    app, _, out, _ = make_app(tmp_path, label="4")
    app.key("s")
    assert out == []  # nothing drawn, nothing saved
    stroke(app, [(100, 100), (300, 300)])
    app.key("s")
    saved = out[-1]
    assert saved["event"] == "saved" and saved["label"] == "4"
    import cv2

    small, full = cv2.imread(saved["path"], cv2.IMREAD_GRAYSCALE), cv2.imread(saved["full"], cv2.IMREAD_GRAYSCALE)
    assert small.shape == (28, 28) and full.shape == (400, 400) and small.max() > 200


def test_canvas_input_normalises_pen_width_for_small_and_large_digits(tmp_path):
    app, _, _, _ = make_app(tmp_path)
    stroke(app, [(190, 50), (190, 350)])
    big = canvas_input(app.canvas)
    app.key("c")
    stroke(app, [(30, 30), (30, 90)])
    small = canvas_input(app.canvas)
    ink = lambda x: (x > 127).sum()  # noqa: E731
    assert abs(ink(big) - ink(small)) <= 0.35 * ink(big)  # similar stroke after normalisation


def test_the_draw_app_refuses_a_bad_record_label_and_never_saves_under_a_bad_model_label(tmp_path):
    with pytest.raises(MlplayError):
        make_app(tmp_path, label="../x")
    app, models, out, _ = make_app(tmp_path)
    app.predictor.labels = ["../../escaped"] * 10  # a hostile card's labels
    stroke(app, [(100, 100), (300, 300)])
    app.key("s")
    assert not any(o.get("event") == "saved" for o in out) and "not saved" in app.status
    assert not list(tmp_path.rglob("*.png"))
