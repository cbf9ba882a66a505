"""End to end: the real `mlplay draw digits` window on Xvfb, strokes drawn with xdotool."""

import json

import pytest

from xwindow import LineReader, Window, ellipse, line, start_window_manager

pytestmark = [pytest.mark.window, pytest.mark.slow]


def test_drawn_one_and_zero_are_recognised_by_the_shipped_cnn(display, tmp_path, mlplay):
    app = mlplay.popen("draw", "digits", "--jsonl", env=display)
    try:
        window = Window("mlplay - draw digits", display, min_width=400 + 280, app=app)
        out = LineReader(app.stdout)
        window.stroke(line((205, 70), (195, 330)))
        one = json.loads(out.next())
        window.key("c")
        window.stroke(ellipse((200, 200), 85, 125))
        zero = json.loads(out.next())
        window.key("q")
        assert app.wait(timeout=20) == 0
    finally:
        app.kill()
    assert (one["label"], one["model"]) == ("1", "digits-cnn"), one
    assert zero["label"] == "0" and zero["probability"] > 0.5, zero
    assert "Traceback" not in app.stderr.read()


def test_closing_the_window_quits(display, mlplay):
    wm = start_window_manager(display)
    app = mlplay.popen("draw", "digits", env=display)
    try:
        window = Window("mlplay - draw digits", display, app=app)
        window.close()
        assert app.wait(timeout=20) == 0
        assert "Traceback" not in app.stderr.read()
    finally:
        app.kill()
        wm.terminate()


def test_destroying_the_window_from_outside_quits_and_prints_the_summary(display, mlplay):
    app = mlplay.popen("draw", "digits", env=display)
    try:
        Window("mlplay - draw digits", display, app=app).destroy()
        assert app.wait(timeout=20) == 0
        err = app.stderr.read()
        assert "0 guesses, 0 drawings saved" in err and "Traceback" not in err
    finally:
        app.kill()
