"""rps-hands as a user meets it: the shipped hand models and their fetch from the mediapipe wheel, `mlplay predict
rps-hands`, `mlplay camera rps` on videos of real hands (and of none), recording with landmarks, retraining."""

import io
import json
import shutil
import zipfile
from pathlib import Path

import cv2
import numpy as np
import pytest

from mlplay.download import Source, sha256_file
from mlplay.errors import MlplayError
from mlplay.paths import REPO
from mlplay.rps import hand_fetch, hands, landmarks as hand_data
from mlplay.rps.game import ROUND_SECONDS

from helpers import SHARED, needs_shared

REAL = SHARED / "rps-real"
needs_real = needs_shared("rps-real")


@pytest.fixture(autouse=True)
def headless(monkeypatch):
    """The commands here run without a display, as on a server."""
    monkeypatch.delenv("DISPLAY", raising=False)


def held_out(move: str, n: int) -> list[Path]:
    """Real photos of the held-out test split of rps-hands (never trained on)."""
    files = sorted((REAL / move).iterdir())
    test = hand_data.is_test(np.array([f"{move}/{f.name}" for f in files]))
    return [f for f, t in zip(files, test) if t][:n]


# The hand models: shipped, checked, re-extracted from the wheel -----------------------------------
def test_the_shipped_hand_models_match_their_card():
    assert hand_fetch.problems(hands.hands_dir()) == []
    card = json.loads((hands.hands_dir() / "card.json").read_text())
    assert card["licence"] == "Apache-2.0" and "MediaPipe" in card["credit"]
    assert card["source"]["sha256"] == hand_fetch.WHEEL.sha256 and card["source"]["wheel"] in hand_fetch.WHEEL.url


def fake_wheel(path: Path, members: dict[str, bytes]) -> Source:
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("mediapipe/__init__.py", "")
        for name, data in members.items():
            zf.writestr(name, data)
    return sha256_file(path)


def test_fetch_extracts_the_models_from_a_wheel_over_http_atomically(http_files, tmp_path):
    base, www = http_files
    models = {member: (hands.hands_dir() / name).read_bytes() for name, member in hand_fetch.MEMBERS.items()}
    sha = fake_wheel(www / "mp.whl", models)
    folder = tmp_path / "models" / "hands"
    path = hand_fetch.fetch(Source(f"{base}/mp.whl", sha, "test wheel"), folder, log=lambda m: None)
    assert path == folder and hand_fetch.cached(folder) == folder
    card = json.loads((folder / "card.json").read_text())
    assert card["source"]["sha256"] == sha
    for name in hand_fetch.MEMBERS:
        assert card["files"][name]["sha256"] == sha256_file(hands.hands_dir() / name)
    hands.HandTracker(folder)  # they load
    (folder / hands.PALM_FILE).write_bytes(b"damaged")
    assert hand_fetch.problems(folder) == [f"{hands.PALM_FILE} does not match its SHA-256 in the card"]
    hand_fetch.fetch(Source(f"{base}/mp.whl", sha, "test wheel"), folder, log=lambda m: None)  # repaired
    assert hand_fetch.cached(folder)


def test_fetch_refuses_a_wrong_checksum_or_a_wheel_without_the_models(http_files, tmp_path):
    base, www = http_files
    sha = fake_wheel(www / "mp.whl", {"mediapipe/other.txt": b"x"})
    folder = tmp_path / "hands"
    with pytest.raises(MlplayError, match="checksum mismatch"):
        hand_fetch.fetch(Source(f"{base}/mp.whl", "0" * 64, "test wheel"), folder, log=lambda m: None)
    with pytest.raises(MlplayError, match="does not hold"):
        hand_fetch.fetch(Source(f"{base}/mp.whl", sha, "test wheel"), folder, log=lambda m: None)
    assert not folder.exists()
    with pytest.raises(MlplayError, match="cannot download"):
        hand_fetch.fetch(Source(f"{base}/absent.whl", sha, "test wheel"), folder, log=lambda m: None)


@pytest.mark.slow
def test_data_fetch_hands_from_pypi_gives_the_shipped_files(tmp_path, mlplay):
    """For real: the 35.6 MB wheel from PyPI (reachable here and in CI)."""
    models = tmp_path / "models"
    result = mlplay("data", "fetch", "hands", env={"MLPLAY_MODELS": str(models), "MLPLAY_DATA": str(tmp_path / "d")},
                    timeout=600)
    assert result.returncode == 0, result.stderr
    for name in hand_fetch.MEMBERS:
        assert sha256_file(models / "hands" / name) == sha256_file(hands.hands_dir() / name)
    assert not list((tmp_path / "d").rglob("*.whl"))  # the wheel is not kept


# predict --------------------------------------------------------------------------------------------
@needs_real
def test_predict_rps_hands_reads_real_photos_and_says_none_without_a_hand(tmp_path, mlplay):
    photos = {move: held_out(move, 3) for move in ("rock", "paper", "scissors")}
    blank = tmp_path / "wall.png"
    cv2.imwrite(str(blank), np.full((240, 320, 3), (90, 140, 200), np.uint8))
    paths = [p for ps in photos.values() for p in ps] + [blank]
    result = mlplay("predict", "rps-hands", *paths, "--jsonl", "--top", 3)
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [set(r) for r in lines] == [{"image", "label", "probability", "top"}] * len(paths)
    expected = [move for move, ps in photos.items() for _ in ps] + ["none"]
    assert [r["label"] for r in lines] == expected
    assert all(r["probability"] > 0.5 and len(r["top"]) == 3 for r in lines[:-1])
    assert lines[-1]["top"] == [] and lines[-1]["probability"] is None
    text = mlplay("predict", "rps-hands", blank)
    assert text.returncode == 0 and "none (no hand found)" in text.stdout


def test_predict_rps_hands_with_a_damaged_hand_model_is_one_line(tmp_path, mlplay):
    models = tmp_path / "models"
    shutil.copytree(REPO / "models" / "rps-hands", models / "rps-hands")
    shutil.copytree(hands.hands_dir(), models / "hands")
    (models / "hands" / hands.LANDMARK_FILE).write_bytes(b"\0" * 1000)
    image = tmp_path / "x.png"
    cv2.imwrite(str(image), np.zeros((50, 50, 3), np.uint8))
    result = mlplay("predict", "rps-hands", image, "--models-dir", models)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert "hand model" in line and "mlplay data fetch hands" in line


# camera rps on videos ---------------------------------------------------------------------------------
def write_video(path: Path, pictures: list[np.ndarray], fps: int = 10, size=(640, 480)) -> Path:
    """Each picture held for one --auto round, scaled into a size frame (edges repeated)."""
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, size)
    per_round = int(round(ROUND_SECONDS * fps))
    for picture in pictures:
        h, w = picture.shape[:2]
        k = min(size[0] / w, size[1] / h)
        scaled = cv2.resize(picture, (int(w * k), int(h * k)))
        top, left = (size[1] - scaled.shape[0]) // 2, (size[0] - scaled.shape[1]) // 2
        frame = cv2.copyMakeBorder(scaled, top, size[1] - scaled.shape[0] - top, left, size[0] - scaled.shape[1] - left,
                                   cv2.BORDER_REPLICATE)
        for _ in range(per_round):
            writer.write(frame)
    writer.release()
    return path


@needs_real
@pytest.mark.slow
def test_camera_rps_on_a_video_of_real_hands_plays_the_right_moves_out_of_the_box(tmp_path, mlplay):
    """Acceptance: the shipped models, no training, a video of held-out real photos."""
    game = ["paper", "rock", "scissors", "scissors", "rock", "paper", "rock", "scissors", "paper"]
    pool = {move: held_out(move, 3) for move in ("rock", "paper", "scissors")}
    used = {move: 0 for move in pool}
    pictures = []
    for move in game:
        pictures.append(cv2.imread(str(pool[move][used[move]])))
        used[move] += 1
    video = write_video(tmp_path / "hands.mp4", pictures)
    result = mlplay("camera", "rps", "--source", video, "--auto", "--jsonl", "--no-show", "--seed", 0)
    assert result.returncode == 0, result.stderr
    rounds = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["human"] for r in rounds] == game
    assert all(r["confidence"] > 0.6 for r in rounds)
    assert "palm detection" in result.stderr and "landmarks" in result.stderr  # the speed summary's stages


def test_camera_rps_on_a_video_without_hands_scores_rounds_none(tmp_path, mlplay):
    rng = np.random.default_rng(0)
    walls = [np.full((480, 640, 3), c, np.uint8) for c in ((40, 90, 160), (200, 200, 200))]
    walls.append(rng.integers(0, 255, (480, 640, 3), dtype=np.uint8))
    video = write_video(tmp_path / "empty.mp4", walls)
    result = mlplay("camera", "rps", "--source", video, "--auto", "--jsonl", "--no-show", "--seed", 0)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    rounds = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rounds) == 3 and {r["human"] for r in rounds} == {"none"} and {r["winner"] for r in rounds} == {"none"}
    assert rounds[-1]["score"] == {"human": 0, "computer": 0, "draws": 0}


def test_camera_rps_without_a_camera_is_one_line(mlplay):
    result = mlplay("camera", "rps", "--source", "7", "--no-show")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("Error: cannot open camera 7")


@pytest.mark.parametrize("size", [(4, 4), (12, 10), (2600, 1900)])
def test_the_game_takes_tiny_and_huge_frames(size):
    from mlplay.rps.app import RpsApp
    from mlplay.rps.game import Game, RandomOpponent
    from mlplay.rps.gesture_model import GestureReader
    from mlplay.shell import camera

    records = []
    app = RpsApp(Game(RandomOpponent(0), auto=True, max_rounds=1), GestureReader(), records.append)
    frames = [np.full((size[1], size[0], 3), 100, np.uint8)] * int(ROUND_SECONDS * 10 + 2)
    camera.run_camera(app, camera.FrameListSource(frames, fps=10), show=False, log=io.StringIO())
    assert [r["human"] for r in records] == ["none"]


# record your hands, retrain ---------------------------------------------------------------------------
@needs_real
@pytest.mark.slow
def test_record_saves_landmarks_and_train_learns_from_them(tmp_path, mlplay):
    """`camera record rps` keeps each picture's landmarks; `train rps-hands --data` reads them (and --mix)."""
    mine = tmp_path / "mine"
    for move in ("rock", "paper", "scissors"):
        video = write_video(tmp_path / f"{move}.mp4", [cv2.imread(str(p)) for p in held_out(move, 4)], fps=5)
        result = mlplay("camera", "record", "rps", "--label", move, "--count", 12, "--every", 0.5, "--delay", 0,
                        "--source", video, "--no-show", "--out", mine)
        assert result.returncode == 0, result.stderr
        sidecars = sorted((mine / move).glob("*.json"))
        assert len(sidecars) == 12
        assert sum(json.loads(p.read_text())["landmarks"] is not None for p in sidecars) >= 10
    models = tmp_path / "models"
    env = {"MLPLAY_DATA": str(tmp_path / "datasets"), "MLPLAY_RUNS": str(tmp_path / "runs")}
    result = mlplay("train", "rps-hands", "--data", mine, "--epochs", 3, "--models-dir", models, env=env)
    assert result.returncode == 0, result.stderr
    card = json.loads((models / "rps-hands" / "card.json").read_text())
    assert card["data"]["pictures"]["train"]["pictures"] + card["data"]["pictures"]["test"]["pictures"] == 36
    assert "model" in card["evaluation"]["held_out"] and (models / "rps-hands" / "model.tflite").exists()
    mixed = mlplay("train", "rps-hands", "--mix", mine, "--epochs", 1, "--models-dir", models, env=env)
    assert mixed.returncode == 0, mixed.stderr
    card = json.loads((models / "rps-hands" / "card.json").read_text())
    assert card["data"]["pictures"]["test"]["pictures"] > 250 and "Bruère-Terreault" in card["data"]["source"]


# the shipped gesture model -----------------------------------------------------------------------------
def test_the_shipped_rps_hands_card_meets_the_goals_and_its_litert_export_reproduces_it():
    from mlplay import store
    from mlplay.rps.gesture_model import feature_matrix
    from mlplay.runtime import Predictor

    card = store.open("rps-hands").card.raw
    evaluation = card["evaluation"]
    assert card["data"]["spec"] == "rps-real" and not card["training"]["quick"]
    assert card["metrics"]["test_accuracy_all"] >= 0.98 and evaluation["hand_found_share"] >= 0.97
    assert evaluation["cgi_test"]["never_trained_on"] and evaluation["cgi_test"]["model"]["all_pictures"] >= 0.97
    assert "finger_rule" in evaluation["held_out"]
    table = hand_data.Table.load(hand_data.SHIPPED)
    test = table.subset(hand_data.is_test(table.names))
    x, y = feature_matrix(test)
    predictor = Predictor(store.open("rps-hands"))
    right = sum(int(np.argmax(predictor(v)) == t) for v, t in zip(x, y))
    assert right / len(test) == pytest.approx(card["metrics"]["test_accuracy_all"], abs=1e-6)  # no hand = wrong


@pytest.mark.slow
def test_eval_rps_hands_reproduces_the_card(mlplay):
    result = mlplay("eval", "rps-hands")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "yes" in result.stdout and "NO" not in result.stdout


@needs_real
def test_the_window_draws_the_skeleton_and_the_live_gesture_or_asks_for_a_hand():
    from mlplay.rps.app import RpsApp
    from mlplay.rps.game import Game, RandomOpponent
    from mlplay.rps.gesture_model import GestureReader

    app = RpsApp(Game(RandomOpponent(0)), GestureReader())
    photo = cv2.imread(str(held_out("paper", 1)[0]))
    frame = cv2.resize(photo, (640, 427))
    shown = app.process(frame, 0.0)
    assert app.hand is not None and max(app.probabilities, key=app.probabilities.get) == "paper"
    from mlplay.rps.view import Layout

    x, y = Layout.for_frame(frame).point(*app.hand.landmarks[12, :2])  # the middle fingertip, in the window
    assert (np.abs(shown[y, x].astype(int) - (80, 200, 80)) < 40).all()  # a green joint dot of the skeleton
    blank = np.full((480, 640, 3), 60, np.uint8)
    empty = app.process(blank, 0.1)
    assert app.hand is None and app.probabilities is None
    assert ((empty == (0, 215, 255)).all(axis=2)).sum() > 100  # "show your hand", in yellow (nothing else is, idle)
