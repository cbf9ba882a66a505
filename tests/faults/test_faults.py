"""Fault injection: the cases a fresh clone was fuzzed with (issue "nothing lost, nothing silent") stay fixed.

Each case ends in a one-line error and an exit status other than 0, or in correct behaviour: never a traceback, and
no model lost or replaced without a word. The models used are copies of the shipped ones in a temporary folder.
"""

import json
import os
import shutil
import signal
import time
from pathlib import Path

import cv2
import numpy as np
import pytest

from mlplay import store
from mlplay.paths import models_dir

pytestmark = pytest.mark.slow


def one_line_error(result):
    """The command failed with exactly one line on stderr, `Error: …`, and no traceback."""
    lines = [line for line in result.stderr.strip().splitlines() if not line.startswith("Warning: ")]
    assert result.returncode != 0 and "Traceback" not in result.stderr, result.stderr
    assert len(lines) >= 1 and lines[-1].startswith("Error: "), result.stderr
    return lines[-1]


def copy_models(tmp_path, *names):
    root = tmp_path / "models"
    for name in names:
        shutil.copytree(models_dir() / name, root / name)
    return root


def digit_picture(path: Path, digit: str = "7", size: int = 64) -> Path:
    cv2.imwrite(str(path), cv2.putText(np.zeros((size, size), np.uint8), digit, (16, 52), 0, 1.8, 255, 5))
    return path


# Training never replaces a model by surprise ----------------------------------------------------------------
def test_quick_never_replaces_the_real_model_and_is_marked(tiny_mnist, tmp_path, mlplay):
    root = copy_models(tmp_path, "digits-mlp")
    before = store.open("digits-mlp", root).card.metrics
    result = mlplay("train", "digits-mlp", "--quick", "--data", tiny_mnist, "--models-dir", root)
    assert result.returncode == 0, result.stderr
    assert store.open("digits-mlp", root).card.metrics == before  # untouched
    quick = store.open("digits-mlp-quick", root)
    assert quick.card.quick and quick.damaged() == []
    last = result.stdout.strip().splitlines()[-1]
    assert last.startswith("saved ") and "digits-mlp-quick" in last and "never replaces" in last
    listing = mlplay("models", "--models-dir", root, env={"COLUMNS": "200"})
    assert "QUICK" in next(line for line in listing.stdout.splitlines() if line.startswith("digits-mlp-quick"))


def test_a_worse_model_is_kept_in_its_run_folder_and_replace_ships_it(tiny_mnist, tmp_path, mlplay):
    root = copy_models(tmp_path, "digits-mlp")
    before = store.open("digits-mlp", root).card.metrics["test_accuracy"]
    worse = mlplay("train", "digits-mlp", "--epochs", "1", "--data", tiny_mnist, "--models-dir", root)
    assert worse.returncode == 0, worse.stderr
    last = worse.stdout.strip().splitlines()[-1]
    assert last.startswith(f"kept {root / 'digits-mlp'}") and "this run's model" in last and "--replace" in last
    assert store.open("digits-mlp", root).card.metrics["test_accuracy"] == before
    run_model = Path(os.environ["MLPLAY_RUNS"]) / last.split(" is in ")[1].split(" (")[0].removeprefix("$MLPLAY_RUNS/")
    assert store.open_folder(run_model).damaged() == []  # the run's model is there, whole
    replaced = mlplay("train", "digits-mlp", "--epochs", "1", "--data", tiny_mnist, "--models-dir", root, "--replace")
    assert replaced.returncode == 0 and store.open("digits-mlp", root).card.metrics["test_accuracy"] < before


def test_a_failed_litert_export_fails_the_save_and_the_old_model_stays(tmp_path, monkeypatch):
    import keras

    root = copy_models(tmp_path, "digits-cnn")
    before = (root / "digits-cnn" / "card.json").read_text()
    monkeypatch.setattr(store, "export_litert", lambda model, path: False)
    inputs = keras.Input((28, 28, 1))
    model = keras.Model(inputs, keras.layers.Dense(10, activation="softmax")(keras.layers.Flatten()(inputs)))
    with pytest.raises(store.MlplayError, match="cannot export digits-cnn to LiteRT"):
        store.save(model, {"name": "digits-cnn", "task": "image-classification"}, root)
    assert (root / "digits-cnn" / "card.json").read_text() == before
    assert sorted(p.name for p in root.iterdir()) == ["digits-cnn"]  # no temporary folder left behind


def test_a_full_disk_while_saving_is_one_line_and_nothing_is_replaced(tmp_path, monkeypatch):
    import errno

    import keras

    root = copy_models(tmp_path, "digits-cnn")
    before = (root / "digits-cnn" / "card.json").read_text()

    def full(model, path):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(store, "export_litert", full)
    inputs = keras.Input((4,))
    model = keras.Model(inputs, keras.layers.Dense(2)(inputs))
    with pytest.raises(store.MlplayError, match="cannot write .*No space left on device") as e:
        store.save(model, {"name": "digits-cnn", "task": "image-classification"}, root)
    assert "nothing was replaced" in str(e.value)
    assert (root / "digits-cnn" / "card.json").read_text() == before


# Signals at any moment -----------------------------------------------------------------------------------------
def _train_and_signal(mlplay, tiny_mnist, root, when, signum):
    """Start a short training run, send `signum` at `when` (seconds after start, or ("epoch", n, delay): `delay`
    seconds after the line of epoch n is printed, which is when its checkpoint is being written)."""
    process = mlplay.popen("train", "digits-cnn", "--epochs", "4", "--data", tiny_mnist, "--models-dir", root,
                           "--batch-size", "32")
    started, lines = time.perf_counter(), []
    if isinstance(when, tuple):
        _, epoch, delay = when
        for line in process.stdout:
            lines.append(line)
            if line.startswith(f"epoch {epoch}/"):
                time.sleep(delay)
                break
    else:
        time.sleep(max(0.0, when - (time.perf_counter() - started)))
    if process.poll() is None:
        process.send_signal(signum)
    out, err = process.communicate(timeout=300)
    return process.returncode, "".join(lines) + out, err


POINTS = [0.5, 2.0, 4.0, 6.0, 8.0, 11.0,  # starting up: imports, data, model building, first batches
          ("epoch", 1, 0.0), ("epoch", 1, 0.02), ("epoch", 1, 0.1), ("epoch", 1, 0.3), ("epoch", 1, 1.0),
          ("epoch", 2, 0.0), ("epoch", 2, 0.05), ("epoch", 2, 0.2), ("epoch", 2, 0.5),
          ("epoch", 3, 0.0), ("epoch", 3, 0.1), ("epoch", 3, 0.4), ("epoch", 4, 0.0), ("epoch", 4, 0.2)]


@pytest.mark.parametrize("point", range(len(POINTS)))
def test_a_signal_at_any_point_saves_the_best_model_or_says_there_is_nothing_to_save(tiny_mnist, tmp_path, point,
                                                                                     mlplay):
    root = tmp_path / "models"
    signum = signal.SIGTERM if point % 2 else signal.SIGINT
    status, out, err = _train_and_signal(mlplay, tiny_mnist, root, POINTS[point], signum)
    assert "Traceback" not in err, err
    if status == 0:  # the run ended before the signal came: an ordinary, whole run
        assert store.open("digits-cnn", root).damaged() == []
        return
    if status == -signum:  # it came as the finished process was exiting, after Python let go of its handlers
        assert "saved " in out and store.open("digits-cnn", root).damaged() == [], (out, err)
        return
    assert status == 128 + signum, (status, out, err)
    said = out + err
    if not said:  # it came while Python itself was starting, before any of mlplay ran: it ends as the signal asks
        assert not (root / "digits-cnn").exists()  # and nothing was written
        return
    if "nothing to save" in said:
        assert not (root / "digits-cnn").exists()
    else:  # interrupted while fitting: the best model so far; or while the finished run was saving: that model
        assert "interrupted: saving the best model so far" in said or "saved " in said, said
        assert store.open("digits-cnn", root).damaged() == []


# Cards of the wrong shape, folders renamed -------------------------------------------------------------------
@pytest.mark.parametrize("damage", [
    lambda card: [card],
    lambda card: {**card, "labels": 5},
    lambda card: {**card, "sha256": [1, 2]},
    lambda card: {**card, "headline": None, "metrics": {"test_accuracy": "high"}},
    lambda card: {k: v for k, v in card.items() if k != "task"},
])
def test_a_card_of_the_wrong_shape_is_one_line_for_predict_and_broken_in_models(tmp_path, damage, mlplay):
    root = copy_models(tmp_path, "digits-cnn", "sum-2")
    path = root / "digits-cnn" / "card.json"
    path.write_text(json.dumps(damage(json.loads(path.read_text()))))
    line = one_line_error(mlplay("predict", "digits-cnn", digit_picture(tmp_path / "7.png"), "--models-dir", root))
    assert "digits-cnn" in line and "broken" in line
    listing = mlplay("models", "--models-dir", root, env={"COLUMNS": "200"})
    assert listing.returncode == 0 and "Traceback" not in listing.stderr
    rows = {line.split()[0]: line for line in listing.stdout.splitlines() if line.strip()}
    assert "BROKEN" in rows["digits-cnn"] and "BROKEN" not in rows["sum-2"]


def test_a_card_that_is_not_json_is_listed_as_broken_not_dropped(tmp_path, mlplay):
    root = copy_models(tmp_path, "sum-2")
    (root / "sum-2" / "card.json").write_text("{not json")
    listing = mlplay("models", "--models-dir", root, env={"COLUMNS": "200"})
    assert listing.returncode == 0 and "BROKEN" in listing.stdout and "not valid JSON" in listing.stdout


def test_a_renamed_or_copied_model_folder_is_listed_once_as_broken(tmp_path, mlplay):
    root = copy_models(tmp_path, "sum-2")
    shutil.copytree(root / "sum-2", root / "my-sum")
    listing = mlplay("models", "--models-dir", root, env={"COLUMNS": "200"})
    names = [line.split()[0] for line in listing.stdout.splitlines() if "MB" in line or "BROKEN" in line]
    assert names.count("sum-2") == 1 and names.count("my-sum") == 1
    assert "BROKEN" in next(line for line in listing.stdout.splitlines() if line.startswith("my-sum"))
    line = one_line_error(mlplay("sum", "--model", "my-sum", "--models-dir", root, stdin="1+1\n"))
    assert "renamed or copied" in line


def test_a_models_folder_that_is_not_there_is_an_error(tmp_path, mlplay):
    line = one_line_error(mlplay("models", "--models-dir", tmp_path / "nowhere"))
    assert "no models folder" in line


# Folders that cannot be written ----------------------------------------------------------------------------
def _unwritable(tmp_path) -> Path:
    """A path no one can create, root included: its parent is a file."""
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    return blocker / "folder"


def test_train_refuses_a_models_folder_it_cannot_write_before_training(tiny_mnist, tmp_path, mlplay):
    started = time.perf_counter()
    line = one_line_error(mlplay("train", "digits-mlp", "--data", tiny_mnist, "--models-dir", _unwritable(tmp_path)))
    assert "cannot write to" in line and time.perf_counter() - started < 60  # at start, not after training


@pytest.mark.parametrize("command", [["train", "digits-mlp", "--quick"], ["detect", "PICTURE"]])
def test_a_runs_folder_that_cannot_be_written_is_one_line(tmp_path, command, mlplay):
    picture = digit_picture(tmp_path / "p.png", size=96)
    args = [str(picture) if a == "PICTURE" else a for a in command]
    line = one_line_error(mlplay(*args, env={"MLPLAY_RUNS": str(_unwritable(tmp_path))}))
    assert "cannot write" in line and "a-file" in line


def test_the_repl_keeps_its_history_in_memory_when_runs_cannot_be_written(tmp_path, mlplay):
    # the interactive REPL needs a terminal: its history file is chosen by paths.history_file
    code = "from mlplay.paths import history_file; print(history_file('sum-2'))"
    result = mlplay.python("-c", code, env={"MLPLAY_RUNS": _unwritable(tmp_path)})
    assert result.stdout.strip() == "None" and result.stderr.startswith("Warning: history not kept")


def test_a_data_folder_that_cannot_be_written_is_one_line(tmp_path, mlplay):
    line = one_line_error(mlplay("data", "fetch", "doodles", env={"MLPLAY_DATA": str(_unwritable(tmp_path))}))
    assert "a-file" in line


# Terminals that are not UTF-8 ------------------------------------------------------------------------------
@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
def test_any_terminal_encoding_works(tmp_path, encoding, mlplay):
    env = {"PYTHONIOENCODING": encoding}
    result = mlplay("sum", stdin="17+38\n", env=env)
    assert result.returncode == 0 and result.stdout.startswith("17+38 = 55"), result.stderr
    picture = digit_picture(tmp_path / "séptimo ✓.png")
    result = mlplay("predict", "digits-cnn", picture, env=env, encoding=encoding)
    assert result.returncode == 0 and "Traceback" not in result.stderr and ": 7 " in result.stdout


# Names that would leave their folder -----------------------------------------------------------------------
@pytest.mark.parametrize("classes", ["../evil", "cat,../../etc/x", "not-a-class"])
def test_quickdraw_class_names_are_checked_against_the_official_list(tmp_path, classes, mlplay):
    line = one_line_error(mlplay("data", "fetch", "quickdraw", "--classes", classes,
                                 env={"MLPLAY_QUICKDRAW_URL": "file:///nonexistent"}))
    assert "is not a Quick, Draw! class" in line
    data = Path(os.environ["MLPLAY_DATA"])
    assert not list(data.parent.rglob("evil*")) and not (data / "quickdraw").exists()


# Bad files in a batch: one policy --------------------------------------------------------------------------
def _bad_files(tmp_path) -> list[Path]:
    truncated = tmp_path / "a-truncated.jpg"
    ok, jpeg = cv2.imencode(".jpg", np.full((64, 64, 3), 200, np.uint8))
    truncated.write_bytes(jpeg.tobytes()[:200])
    fifo = tmp_path / "b-fifo.png"
    os.mkfifo(fifo)
    loop = tmp_path / "c-loop.png"
    loop.symlink_to(tmp_path / "c-loop2.png")
    (tmp_path / "c-loop2.png").symlink_to(loop)
    tiny = tmp_path / "d-tiny.png"
    cv2.imwrite(str(tiny), np.zeros((1, 1), np.uint8))
    return [truncated, fifo, loop, tiny]


def test_predict_names_each_bad_file_goes_on_and_ends_with_exit_1(tmp_path, mlplay):
    bad = _bad_files(tmp_path)
    good = digit_picture(tmp_path / "e-seven.png")
    result = mlplay("predict", "digits-cnn", *bad, good)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"{good}: 7 " in result.stdout
    warnings = [line for line in result.stderr.splitlines() if line.startswith("Warning: skipped")]
    assert len(warnings) == 4
    assert "damaged JPEG" in warnings[0] and "FIFO" in warnings[1] and "loop of symbolic links" in warnings[2]
    assert "too small (1×1 pixels)" in warnings[3]
    assert result.stderr.strip().splitlines()[-1].startswith("Error: 4 of 5 images could not be read")
    strict = mlplay("predict", "digits-cnn", *bad, good, "--strict")
    assert strict.returncode == 1 and strict.stdout == "" and "damaged JPEG" in one_line_error(strict)


def test_a_camera_folder_whose_first_picture_is_bad_skips_it_and_ends_with_exit_1(tmp_path, mlplay):
    folder = tmp_path / "frames"
    folder.mkdir()
    (folder / "0-bad.png").write_bytes(b"not a picture")
    for i in range(1, 4):
        cv2.imwrite(str(folder / f"{i}.png"), np.full((120, 160, 3), 40 * i, np.uint8))
    result = mlplay("camera", "detect", "--source", folder, "--no-show", "--jsonl")
    assert result.returncode == 1 and len(result.stdout.strip().splitlines()) == 3  # the three good frames
    assert "1 of 4 pictures could not be read" in one_line_error(result)


def test_a_damaged_video_is_one_line_without_ffmpeg_chatter(tmp_path, mlplay):
    video = tmp_path / "broken.mp4"
    video.write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 200)
    result = mlplay("camera", "detect", "--source", video, "--no-show")
    line = one_line_error(result)
    assert "broken.mp4" in line and "moov" not in result.stderr


def test_ctrl_c_in_camera_detect_exits_130(tmp_path, mlplay):
    folder = tmp_path / "frames"
    folder.mkdir()
    for i in range(1000):
        cv2.imwrite(str(folder / f"{i:04d}.png"), np.full((120, 160, 3), i % 255, np.uint8))
    process = mlplay.popen("camera", "detect", "--source", folder, "--no-show")
    started = []
    for line in process.stderr:  # the detector is loaded and the frames are flowing: Ctrl-C now, mid-stream
        started.append(line)
        if line.startswith("opened "):
            break
    time.sleep(0.5)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    err = "".join(started) + err
    assert process.returncode == 130 and "Traceback" not in err and "speed:" in err, err


# Help and wording -----------------------------------------------------------------------------------------------
def test_env_does_not_say_it_opens_a_window(mlplay):
    result = mlplay("env", env={"DISPLAY": ""})
    display = next(line for line in result.stdout.splitlines() if line.startswith("display"))
    assert "opens a window" not in display and "the other commands work" in display
