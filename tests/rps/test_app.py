"""The RPS camera apps headless (scripted frames, a stand-in classifier) and the commands' one-line errors."""

import io
import json

import cv2
import numpy as np
import pytest

from mlplay.rps import game as rps, view as rps_view
from mlplay.rps.app import RecordApp, RpsApp, format_round
from mlplay.shell import camera

COLOURS = {"rock": (0, 0, 200), "paper": (0, 200, 0), "scissors": (200, 0, 0)}


def coloured_frames(labels, fps=10, w=160, h=120):
    """Each label as a whole-frame colour for one --auto round."""
    per_round = int(round(rps.ROUND_SECONDS * fps))
    return [np.full((h, w, 3), COLOURS[label], np.uint8) for label in labels for _ in range(per_round)]


class ColourClassifier:
    """Stands in for a model: names the colour in the crop, and records the crops it was given."""

    def __init__(self):
        self.shapes = set()

    def __call__(self, crop):
        self.shapes.add(crop.shape)
        channel = int(np.argmax(crop.reshape(-1, 3).mean(axis=0)))
        move = {2: "rock", 1: "paper", 0: "scissors"}[channel]
        return {m: (0.8 if m == move else 0.1) for m in rps.MOVES}


def test_auto_rounds_on_a_stream_read_the_guide_box_and_report_each_round():
    labels = ["paper", "rock", "scissors", "rock"]
    records, classifier = [], ColourClassifier()
    game = rps.Game(rps.RandomOpponent(3), auto=True)
    app = RpsApp(game, classifier, records.append)
    stats = camera.run_camera(app, camera.FrameListSource(coloured_frames(labels), fps=10), show=False,
                              log=io.StringIO())
    assert [r["human"] for r in records] == labels
    assert [r["round"] for r in records] == [1, 2, 3, 4]
    assert classifier.shapes == {(72, 72, 3)}  # the 72-px guide box of a 160×120 frame, every frame
    last = records[-1]["score"]
    assert last["human"] + last["computer"] + last["draws"] == 4
    assert stats.stages["model"] > 0 and "round 1: you paper (80%)" in format_round(records[0])


def test_the_window_shows_the_scaled_frame_and_the_game_panel():
    game = rps.Game(rps.RandomOpponent(0))
    app = RpsApp(game, ColourClassifier())
    frame = np.full((240, 320, 3), 128, np.uint8)
    idle = app.process(frame, 0.0)
    assert idle.shape == (480, 640 + rps_view.PANEL_WIDTH, 3) and (frame == 128).all()  # drawn on a copy
    assert (idle[240, 320] == 128).all() and (idle[:, 640:] != 128).all(axis=2).any()  # video ×2, panel beside it
    app.key("space", 0.0)
    counting = app.process(frame, 0.1)
    x0, y0, x1, y1 = rps.guide_box(320, 240)
    assert (counting[2 * y0, 2 * x0] == rps_view.YELLOW).all()  # the box, at window scale, turns yellow
    assert (idle[2 * y0, 2 * x0] == rps_view.GREEN).all()
    assert not np.array_equal(idle[:, 640:], counting[:, 640:])  # the countdown is on the panel
    app.key("q", 0.2)  # q is the shell's; the game ignores it
    assert app.running


def test_record_app_saves_guide_box_crops_after_the_delay_without_overwriting(tmp_path):
    (tmp_path / "rock").mkdir()
    cv2.imwrite(str(tmp_path / "rock" / "mine_00007.png"), np.zeros((4, 4, 3), np.uint8))
    app = RecordApp("rock", count=5, out=tmp_path, every=0.2, delay=0.5, log=lambda m: None)
    frames = [np.full((120, 160, 3), i, np.uint8) for i in range(40)]
    stats = camera.run_camera(app, camera.FrameListSource(frames, fps=10), show=False, log=io.StringIO())
    names = sorted(p.name for p in (tmp_path / "rock").iterdir())
    assert names == ["mine_00007.png"] + [f"mine_{i:05d}.png" for i in range(8, 13)]
    first = cv2.imread(str(tmp_path / "rock" / "mine_00008.png"))
    assert first.shape == (72, 72, 3) and first[0, 0, 0] == 5  # frame 5 is t = 0.5 s, the end of the delay
    assert cv2.imread(str(tmp_path / "rock" / "mine_00009.png"))[0, 0, 0] == 7  # then one every 0.2 s
    assert stats.reason == "app finished" and not app.running


def test_record_app_pauses_on_space(tmp_path):
    app = RecordApp("paper", count=3, out=tmp_path, every=0.0, delay=0.0, log=lambda m: None)
    frame = np.zeros((60, 80, 3), np.uint8)
    app.process(frame, 0.0)
    app.key("space", 0.1)
    app.process(frame, 0.2)
    assert len(app.saved) == 1
    app.key("space", 0.3)
    app.process(frame, 0.4)
    assert len(app.saved) == 2


def test_camera_rps_without_a_model_says_how_to_get_one(tmp_path, mlplay):
    result = mlplay("camera", "rps", "--model", "rps-cnn", "--source", "missing.mp4", "--no-show", "--models-dir",
                    tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("Error: no trained rock-paper-scissors model 'rps-cnn'")
    assert "mlplay camera record rps --label rock" in line and "mlplay data fetch rps" in line
    assert "mlplay train rps-cnn --data datasets/rps-mine" in line


@pytest.mark.parametrize("args, message", [
    (["--label", "lizard", "--source", "x.mp4"], "unknown label 'lizard'"),
    (["--label", "rock", "--source", "nowhere.mp4", "--no-show"], "no such file or folder: nowhere.mp4"),
])
def test_record_errors_are_one_line(tmp_path, args, message, mlplay):
    result = mlplay("camera", "record", "rps", *args, cwd=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("Error: ") and message in result.stderr


def test_record_refuses_a_window_without_a_display(tmp_path, mlplay):
    result = mlplay("camera", "record", "rps", "--label", "rock", "--source", "x.mp4",
                    env={"DISPLAY": None, "WAYLAND_DISPLAY": None}, cwd=tmp_path)
    assert result.returncode == 1 and result.stderr.strip().startswith("Error: no display found")


def test_jsonl_records_are_json():
    game = rps.Game(rps.RandomOpponent(0))
    game.key("space", 0.0)
    result = game.update(2.2, lambda: {"rock": 0.2, "paper": 0.7, "scissors": 0.1})
    line = json.dumps(result.record(game.score))
    assert json.loads(line)["human"] == "paper"
