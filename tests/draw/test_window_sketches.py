"""End to end: the real `mlplay draw sketches` window on Xvfb, shapes drawn with xdotool, shipped sketch-cnn."""

import json

import pytest

from xwindow import LineReader, Window

pytestmark = [pytest.mark.window, pytest.mark.slow]


def draw_each(mlplay, display, drawings: dict) -> dict:
    """Start `mlplay draw sketches --jsonl`, draw each drawing (a list of strokes) stroke by stroke, clearing in
    between, quit with q; return each drawing's guess after its last stroke (one guess a finished stroke)."""
    app = mlplay.popen("draw", "sketches", "--jsonl", env=display)
    try:
        window = Window("mlplay - draw sketches", display, min_width=400 + 280, app=app)
        out = LineReader(app.stdout)
        guesses = {}
        for name, strokes in drawings.items():
            for stroke in strokes:
                window.stroke(stroke)
                guesses[name] = json.loads(out.next())
            window.key("c")
        window.key("q")
        assert app.wait(timeout=20) == 0
    finally:
        app.kill()
    assert "Traceback" not in app.stderr.read()
    assert all(guess["strokes"] == len(drawings[name]) for name, guess in guesses.items()), guesses
    assert all(guess["model"] == "sketch-cnn" and len(guess["top"]) == 4 for guess in guesses.values()), guesses
    return guesses


def test_real_classes_drawn_with_the_mouse_are_recognised(display, mlplay):
    """A tree, a house, a car, a cat, a bicycle (and an apple, a fish, an eye, a diamond, a smiley face) drawn stroke by
    stroke as a person would (tests/mouse_sketches.py): the guess after the last stroke names the drawing."""
    from mouse_sketches import DRAWINGS

    guesses = draw_each(mlplay, display, DRAWINGS)
    assert {name: guess["label"] for name, guess in guesses.items()} == {name: name for name in DRAWINGS}, guesses
