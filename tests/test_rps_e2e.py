"""End to end, as a user would: a (SYNTHETIC) camera video → `mlplay camera record rps` for each label →
`mlplay train rps-cnn --data …` → `mlplay camera rps --auto` classifies the rounds of another video.

The videos show one synthetic room and player (as when a person records and then plays in the same place);
the hands in the game video are new drawings, not the recorded frames.
"""

import json
import os
import subprocess
import sys

import pytest

from mlplay.rps import rps_synthetic

pytestmark = pytest.mark.slow
MLPLAY = [sys.executable, "-m", "mlplay"]
GAME = ["paper", "rock", "scissors", "scissors", "rock", "paper"]


def run(args, env, **kw):
    result = subprocess.run([*MLPLAY, *map(str, args)], capture_output=True, text=True, timeout=600, env=env, **kw)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    root = tmp_path_factory.mktemp("rps-e2e")
    env = {**os.environ, "MLPLAY_DATA": str(root / "datasets"), "MLPLAY_RUNS": str(root / "runs"),
           "MLPLAY_MODELS": str(root / "models")}
    env.pop("DISPLAY", None)
    for i, label in enumerate(("rock", "paper", "scissors")):
        video = rps_synthetic.write_video(root / f"{label}.mp4", [label], fps=15, seconds_per_label=8, seed=10 + i,
                                          scene_seed=3)
        out = run(["camera", "record", "rps", "--label", label, "--count", 120, "--every", 0, "--delay", 0,
                   "--source", video, "--no-show"], env)
        assert f"120 pictures of {label}" in out.stdout
    mine = root / "datasets" / "rps-mine"
    assert all(len(list((mine / label).glob("*.png"))) == 120 for label in ("rock", "paper", "scissors"))
    train = run(["train", "rps-cnn", "--data", mine, "--epochs", 15, "--batch-size", 16], env)
    card = json.loads((root / "models" / "rps-cnn" / "card.json").read_text())
    assert card["data"]["splits"]["test"] == 72 and card["data"]["official_test_split"] is False
    assert "NOT on the official test split" in card["data"]["goal"], train.stdout
    game = rps_synthetic.write_video(root / "game.mp4", GAME, fps=15, seed=99, scene_seed=3)
    return root, env, game, card


def test_recorded_then_trained_model_classifies_the_rounds(trained):
    root, env, game, card = trained
    assert card["metrics"]["test_accuracy"] >= 0.8, card["metrics"]
    out = run(["camera", "rps", "--model", "rps-cnn", "--source", game, "--auto", "--jsonl", "--no-show", "--seed", 0, "--save"], env)
    rounds = [json.loads(line) for line in out.stdout.splitlines()]
    assert [r["human"] for r in rounds] == GAME, rounds
    assert all(r["winner"] in ("human", "computer", "draw") for r in rounds)
    assert "opened video" in out.stderr and "320×240" in out.stderr and "frames/s" in out.stderr
    assert (root / "runs" / "camera" / "rps" / "annotated.mp4").stat().st_size > 10_000


@pytest.mark.window
def test_the_same_in_a_real_window(trained, tmp_path):
    from xwindow import LineReader, Window, start_xvfb

    root, env, _, _ = trained
    short = rps_synthetic.write_video(tmp_path / "short.mp4", GAME[:3], fps=15, seed=98, scene_seed=3)
    xvfb, display = start_xvfb()
    try:
        app = subprocess.Popen([*MLPLAY, "camera", "rps", "--model", "rps-cnn", "--source", str(short), "--auto", "--jsonl", "--seed", "0"],
                               env={**env, "DISPLAY": display}, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
        try:
            Window("mlplay - rock paper scissors", {**env, "DISPLAY": display}, min_width=320)
            out = LineReader(app.stdout)
            rounds = [json.loads(out.next(timeout=60)) for _ in GAME[:3]]
            assert app.wait(timeout=60) == 0
        finally:
            app.kill()
        assert "Traceback" not in app.stderr.read()
    finally:
        xvfb.terminate()
        xvfb.wait()
    # The window shows what the headless run computes: the same rounds, move for move, from the same model and video.
    headless = run(["camera", "rps", "--model", "rps-cnn", "--source", short, "--auto", "--jsonl", "--no-show", "--seed", 0], env)
    assert rounds == [json.loads(line) for line in headless.stdout.splitlines()]
    assert [r["human"] for r in rounds] == GAME[:3], rounds
