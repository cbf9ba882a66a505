"""End to end, as a user would, made robust by construction (no result hangs on how training went on one CPU):

- the game: `mlplay camera rps --auto` on a video, with a model whose answers are fixed (hand-set weights that read
  the colour in the guide box), must report exactly the moves shown, round after round;
- the training path: `mlplay camera record rps` for each label → `mlplay train rps-cnn --data …` on pictures it
  cannot confuse (each move is its own flat colour), then that trained model plays the same game.
"""

import json

import cv2
import numpy as np
import pytest

from mlplay.rps.game import MOVES, ROUND_SECONDS

pytestmark = pytest.mark.slow
GAME = ["paper", "rock", "scissors", "scissors", "rock", "paper"]
COLOUR = {"rock": (40, 40, 220), "paper": (40, 200, 40), "scissors": (220, 40, 40)}  # BGR: red, green, blue


def succeeded(result):
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result


def picture(label, kind, rng, size):
    """A frame that says `label` beyond doubt: its flat colour (for the fixed model) or, for a trained model whose
    augmentation changes hue, brightness and turns pictures grey, its pattern: flat, stripes or a checkerboard."""
    if kind == "colour":
        base = np.broadcast_to(np.array(COLOUR[label], np.int64), (*size, 3))
    else:
        y, x = np.mgrid[:size[0], :size[1]] // 12
        shade = {"rock": np.zeros(size, np.int64), "paper": y % 2, "scissors": (y + x) % 2}[label]
        base = np.repeat((60 + 150 * shade)[..., None], 3, axis=2)
    return (base + rng.integers(-15, 16, (*size, 3))).clip(0, 255).astype(np.uint8)  # a camera's noise


def video(path, labels, kind="colour", seconds_per_label=ROUND_SECONDS, fps=15, seed=0, size=(240, 320)):
    """Each label shown for one --auto round."""
    rng = np.random.default_rng(seed)
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, (size[1], size[0]))
    for label in labels:
        for _ in range(int(round(seconds_per_label * fps))):
            writer.write(picture(label, kind, rng, size))
    writer.release()
    return path


def home(root):
    return {"MLPLAY_DATA": root / "datasets", "MLPLAY_RUNS": root / "runs", "MLPLAY_MODELS": root / "models",
            "DISPLAY": None}


def rounds_of(out):
    return [json.loads(line) for line in out.stdout.splitlines()]


@pytest.fixture(scope="module")
def fixed_model(tmp_path_factory):
    """rps-cnn with hand-set weights: the mean colour of the guide box → rock (red), paper (green), scissors (blue)."""
    from mlplay import store
    from mlplay.console import tensorflow

    tensorflow()
    import keras

    root = tmp_path_factory.mktemp("rps-fixed")
    inputs = keras.Input((96, 96, 3))  # RGB 0–255, as rps_data.to_input gives
    logits = keras.layers.Dense(3)(keras.layers.GlobalAveragePooling2D()(inputs))
    model = keras.Model(inputs, keras.layers.Softmax()(logits))
    model.layers[2].set_weights([np.eye(3, dtype=np.float32) * 0.1, np.zeros(3, np.float32)])  # R, G, B → moves
    assert list(MOVES) == ["rock", "paper", "scissors"]
    store.save(model, {"name": "rps-cnn", "task": "image-classification", "labels": list(MOVES),
                       "input": {"shape": [96, 96, 3]}, "command": "tests/rps/test_end_to_end.py"}, root / "models")
    return root


def test_the_game_reports_exactly_the_moves_shown_to_a_model_with_fixed_answers(fixed_model, mlplay):
    env = home(fixed_model)
    game = video(fixed_model / "game.mp4", GAME)
    out = succeeded(mlplay("camera", "rps", "--model", "rps-cnn", "--source", game, "--auto", "--jsonl", "--no-show",
                           "--seed", 0, "--save", env=env, timeout=600))
    rounds = rounds_of(out)
    assert [r["human"] for r in rounds] == GAME, rounds
    assert [r["round"] for r in rounds] == list(range(1, len(GAME) + 1))
    beats = {"rock": "scissors", "paper": "rock", "scissors": "paper"}
    for r in rounds:  # the score follows the rules for whatever the computer played
        expected = ("draw" if r["human"] == r["computer"] else
                    "human" if beats[r["human"]] == r["computer"] else "computer")
        assert r["winner"] == expected, r
    assert "opened video" in out.stderr and "320×240" in out.stderr and "frames/s" in out.stderr
    assert (fixed_model / "runs" / "camera" / "rps" / "annotated.mp4").stat().st_size > 10_000


def test_recorded_then_trained_model_learns_pictures_it_cannot_confuse_and_plays(tmp_path, mlplay):
    env = home(tmp_path)
    for i, label in enumerate(MOVES):
        recording = video(tmp_path / f"{label}.mp4", [label], "pattern", seconds_per_label=5, seed=10 + i)
        out = succeeded(mlplay("camera", "record", "rps", "--label", label, "--count", 60, "--every", 0, "--delay", 0,
                   "--source", recording, "--no-show", env=env, timeout=600))
        assert f"60 pictures of {label}" in out.stdout
    mine = tmp_path / "datasets" / "rps-mine"
    succeeded(mlplay("train", "rps-cnn", "--data", mine, "--epochs", 8, "--batch-size", 16, env=env, timeout=600))
    card = json.loads((tmp_path / "models" / "rps-cnn" / "card.json").read_text())
    assert card["data"]["official_test_split"] is False and card["data"]["splits"]["test"] >= 30
    assert card["metrics"]["test_accuracy"] == 1.0, card["metrics"]  # flat, stripes, checks: nothing to confuse
    game = video(tmp_path / "game.mp4", GAME, "pattern", seed=99)
    out = succeeded(mlplay("camera", "rps", "--model", "rps-cnn", "--source", game, "--auto", "--jsonl", "--no-show",
                           "--seed", 0, env=env, timeout=600))
    assert [r["human"] for r in rounds_of(out)] == GAME


@pytest.mark.window
def test_the_same_game_in_a_real_window(fixed_model, tmp_path, mlplay):
    from xwindow import LineReader, Window, start_xvfb

    env = home(fixed_model)
    short = video(tmp_path / "short.mp4", GAME[:3], seed=98)
    xvfb, display = start_xvfb()
    try:
        app = mlplay.popen("camera", "rps", "--model", "rps-cnn", "--source", short, "--auto", "--jsonl", "--seed", 0,
                           env={**env, "DISPLAY": display})
        try:
            Window("mlplay - rock paper scissors", {**mlplay.environment(env), "DISPLAY": display}, min_width=320,
                   app=app)
            out = LineReader(app.stdout)
            rounds = [json.loads(out.next(timeout=60)) for _ in GAME[:3]]
            assert app.wait(timeout=60) == 0
        finally:
            app.kill()
        assert "Traceback" not in app.stderr.read()
    finally:
        xvfb.terminate()
        xvfb.wait()
    assert [r["human"] for r in rounds] == GAME[:3], rounds
    headless = succeeded(mlplay("camera", "rps", "--model", "rps-cnn", "--source", short, "--auto", "--jsonl",
                                "--no-show", "--seed", 0, env=env, timeout=600))
    assert rounds == rounds_of(headless)  # the window shows what the headless run computes
