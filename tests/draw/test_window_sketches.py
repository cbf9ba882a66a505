"""End to end: the real `mlplay draw sketches` window on Xvfb, shapes drawn with xdotool, shipped sketch-cnn."""

import json

import pytest

from xwindow import LineReader, Window, ellipse, line

pytestmark = [pytest.mark.window, pytest.mark.slow]


def polyline(points, n=12):
    """A path through the corners, in one stroke, as a hand moves the mouse."""
    path = [points[0]]
    for a, b in zip(points[:-1], points[1:]):
        path += line(a, b, n)[1:]
    return path


TRIANGLE = polyline([(200, 70), (330, 310), (70, 310), (200, 70)])
STAR = polyline([(200, 50), (290, 330), (55, 150), (345, 150), (110, 330), (200, 50)])


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


def test_drawn_circle_triangle_and_star_are_recognised(display, mlplay):
    guesses = draw_each(mlplay, display, {"circle": [ellipse((200, 200), 130, 120)], "triangle": [TRIANGLE],
                                          "star": [STAR]})
    assert {name: guess["label"] for name, guess in guesses.items()} == {"circle": "circle", "triangle": "triangle",
                                                                          "star": "star"}, guesses


def test_real_classes_drawn_with_the_mouse_are_recognised(display, mlplay):
    """Apple, fish, eye, cat, bicycle and diamond drawn stroke by stroke as a person would (tests/mouse_sketches.py):
    the guess after the last stroke names the drawing."""
    from mouse_sketches import DRAWINGS

    guesses = draw_each(mlplay, display, DRAWINGS)
    assert {name: guess["label"] for name, guess in guesses.items()} == {name: name for name in DRAWINGS}, guesses
