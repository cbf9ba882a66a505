"""End to end: the real `mlplay draw digits` window on Xvfb, strokes drawn with xdotool."""

import json

import pytest

from xwindow import LineReader, Window, closing_quits, draw_each, ellipse, line

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


def test_a_house_a_star_and_a_smiley_face_are_not_digits_and_a_seven_is_a_seven(display, mlplay):
    """Drawn stroke by stroke with the mouse as a person would (tests/mouse_sketches.py): the window says
    "not a digit?" for the three drawings (its JSON line: sure false) and 7 for the seven."""
    from mouse_sketches import NOT_DIGITS, SEVEN

    guesses = draw_each(mlplay, display, "digits", {**NOT_DIGITS, "7": SEVEN})
    for name in NOT_DIGITS:
        assert guesses[name]["sure"] is False and guesses[name]["verdict"].startswith("not a digit (best guess"), \
            (name, guesses[name])
    assert (guesses["7"]["label"], guesses["7"]["sure"]) == ("7", True), guesses["7"]


def test_closing_the_window_quits(display, mlplay):
    def start():
        app = mlplay.popen("draw", "digits", env=display)
        return app, Window("mlplay - draw digits", display, app=app)

    closing_quits(display, start)


def test_destroying_the_window_from_outside_quits_and_prints_the_summary(display, mlplay):
    app = mlplay.popen("draw", "digits", env=display)
    try:
        Window("mlplay - draw digits", display, app=app).destroy()
        assert app.wait(timeout=20) == 0
        err = app.stderr.read()
        assert "0 guesses, 0 drawings saved" in err and "Traceback" not in err
    finally:
        app.kill()
