"""End to end: the real `mlplay draw sketches` window on Xvfb, shapes drawn with xdotool, shipped sketch-cnn."""


import pytest

from xwindow import draw_each

pytestmark = [pytest.mark.window, pytest.mark.slow]


def drawn(mlplay, display, drawings: dict) -> dict:
    """Each drawing's guess in `mlplay draw sketches` after its last stroke (one guess a finished stroke)."""
    guesses = draw_each(mlplay, display, "sketches", drawings)
    assert all(guess["strokes"] == len(drawings[name]) for name, guess in guesses.items()), guesses
    assert all(guess["model"] == "sketch-cnn" and len(guess["top"]) == 4 for guess in guesses.values()), guesses
    return guesses


def test_real_classes_drawn_with_the_mouse_are_recognised(display, mlplay):
    """A tree, a house, a car, a cat, a bicycle (and an apple, a fish, an eye, a diamond, a smiley face) drawn stroke by
    stroke as a person would (tests/mouse_sketches.py): the guess after the last stroke names the drawing."""
    from mouse_sketches import DRAWINGS

    guesses = drawn(mlplay, display, DRAWINGS)
    assert {name: guess["label"] for name, guess in guesses.items()} == {name: name for name in DRAWINGS}, guesses
