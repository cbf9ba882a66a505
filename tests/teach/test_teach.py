"""Teach: labels, the held-out time blocks, the numpy head, the window's state machine (made-up frames and keys),
and the commands end to end on a narrow backbone (train teach, predict, models, eval, camera teach, bad input)."""

import json
import os
from pathlib import Path

import numpy as np
import pytest
from teachhelpers import ColourFeatures, ScriptedDisplay, thing, write_things

from mlplay.errors import MlplayError
from mlplay.teach import data, head as heads, models
from mlplay.teach.app import HOLD, TeachApp


# labels and the held-out split ---------------------------------------------------------------------------------
def test_labels_are_plain_folder_names_two_to_nine():
    assert data.parse_labels(None) == ["one", "two", "three"]
    assert data.parse_labels(" cup, phone ,nothing ") == ["cup", "phone", "nothing"]
    for bad, message in (("cup", "only one label"), ("../up,down", "not a plain name"), ("a/b,c", "not a plain name"),
                         (".hidden,x", "not a plain name"), ("a,b,a", "given twice"),
                         (",".join("abcdefghij"), "at most 9")):
        with pytest.raises(MlplayError, match=message):
            data.parse_labels(bad)


def test_a_fifth_is_held_out_in_blocks_of_neighbours():
    mask = data.held_out(60)
    assert mask.sum() == 12 and list(np.flatnonzero(mask)) == [*range(24, 30), *range(54, 60)]
    assert list(np.flatnonzero(data.held_out(10))) == [4, 9]
    assert data.held_out(2).tolist() == [False, True] and data.held_out(1).tolist() == [False]
    for n in range(2, 200):
        held = data.held_out(n)
        assert 1 <= held.sum() <= max(1, round(n / 5) + 1) and not held.all()


def test_the_head_learns_separable_features_the_same_way_every_time():
    rng = np.random.default_rng(0)
    centres = rng.normal(0, 1, (3, 40))
    y = np.repeat(np.arange(3), 50)
    x = centres[y] + rng.normal(0, 0.8, (150, 40))
    a, b = heads.fit(x, y, 3), heads.fit(x, y, 3)
    assert np.array_equal(a.w, b.w)
    test_y = np.repeat(np.arange(3), 20)
    test_x = centres[test_y] + rng.normal(0, 0.8, (60, 40))
    assert heads.accuracy(a, test_x, test_y) > 0.95
    assert np.allclose(a.probabilities(test_x).sum(axis=1), 1)


def test_training_needs_two_examples_of_every_label():
    examples = data.Examples(["cup", "phone"])
    examples.features["cup"] += [np.zeros(4), np.ones(4)]
    with pytest.raises(MlplayError, match="no examples of phone"):
        models.train(examples)
    examples.features["phone"].append(np.ones(4))
    with pytest.raises(MlplayError, match="only one example of phone"):
        models.train(examples)


# the window's state machine -----------------------------------------------------------------------------------
class FileRecorder(data.Recorder):
    pass


def _app(tmp_path, labels=("red", "green", "blue"), log=None):
    saved = []
    examples = data.Examples(list(labels))
    app = TeachApp("things", examples, ColourFeatures(), FileRecorder(tmp_path / "examples"), models.train,
                   lambda h, report: saved.append((h, report)) or "models/things", log=log or (lambda m: None))
    return app, saved


def test_holding_a_number_key_records_that_label_and_t_makes_the_bars_live(tmp_path):
    rng = np.random.default_rng(1)
    app, saved = _app(tmp_path)
    t = 0.0
    for key, label in (("1", "red"), ("2", "green"), ("3", "blue")):
        for _ in range(20):  # a held key repeats every 1/30 s
            app.key(key, t)
            picture = app.process(thing(label, rng), t)
            t += 1 / 30
        last = t - 1 / 30  # let go: recording goes on for HOLD seconds after the last repeat, then stops
        app.process(thing(label, rng), last + HOLD / 2)
        app.process(thing(label, rng), last + 2 * HOLD)
        t = last + 3 * HOLD
    assert app.examples.counts() == {"red": 21, "green": 21, "blue": 21}
    assert app.recording is None and app.probabilities is None
    assert sorted(p.name for p in (tmp_path / "examples" / "green").iterdir())[:2] == ["00000.jpg", "00001.jpg"]
    assert picture.shape[1] == 640 + 300  # the video scaled to 640 wide and the panel
    app.key("t", t)
    assert app.head is not None and app.report["held_out_accuracy"] > 0.9
    for label in ("red", "green", "blue"):
        app.process(thing(label, rng), t)
        assert app.labels[int(np.argmax(app.probabilities))] == label
    app.key("s", t)
    assert len(saved) == 1 and "saved models/things" in app.message


def test_problems_are_one_line_in_the_window_and_nothing_recorded_is_lost(tmp_path):
    lines = []
    rng = np.random.default_rng(2)
    app, saved = _app(tmp_path, log=lines.append)
    app.key("s", 0)
    assert "nothing to save yet" in lines[-1]
    for i in range(6):
        app.key("1", i / 30)
        app.process(thing("red", rng), i / 30)
    app.key("t", 1.0)
    assert app.head is None and "no examples of green, blue" in lines[-1]
    for i in range(6):
        app.key("2", 2 + i / 30)
        app.process(thing("green", rng), 2 + i / 30)
        app.key("3", 3 + i / 30)
        app.process(thing("blue", rng), 3 + i / 30)
    app.key("t", 4.0)
    assert app.head is not None
    app.key("1", 5.0)
    app.process(thing("red", rng), 5.0)
    assert app.stale
    app.key("s", 5.1)
    assert not saved and "t first" in lines[-1]
    app.key("9", 5.2)  # no ninth label: nothing happens
    assert len(list((tmp_path / "examples").rglob("*.jpg"))) == sum(app.examples.counts().values()) == 19
    from mlplay.imageio import read_bgr

    first = app.examples.files["green"][0]  # what was learned from is what reads back from the file
    assert np.array_equal(ColourFeatures()(read_bgr(first)), app.examples.features["green"][0])
    assert "red 7" in app.summary() and "not saved" in app.summary()


def test_nine_labels_fit_the_panel():
    app = TeachApp("n", data.Examples([f"label{i}" for i in range(9)]), ColourFeatures(), None, models.train,
                   lambda *a: "x", log=lambda m: None)
    img = app.process(np.zeros((480, 640, 3), np.uint8), 0.0)
    assert img.shape == (480, 940, 3)


def test_names_of_shipped_and_built_in_models_are_refused_unless_forced(tmp_path):
    with pytest.raises(MlplayError, match="'hands' is a model mlplay ships or trains") as e:
        models.check_name("hands")
    assert "--force" in e.value.hint
    with pytest.raises(MlplayError, match="'rps-cnn' is a model mlplay ships or trains"):
        models.check_name("rps-cnn")
    with pytest.raises(MlplayError, match="mlplay train reads as a command"):
        models.check_name("teach")
    with pytest.raises(MlplayError, match="bad model name"):
        models.check_name("../x")
    models.check_name("hands", force=True)
    models.check_name("my-things")


# end to end on a narrow backbone ------------------------------------------------------------------------------
@pytest.mark.slow
def test_train_teach_then_predict_models_and_eval(tmp_path, with_backbone, mlplay):
    photos = write_things(tmp_path / "photos", per_label=15)
    others = write_things(tmp_path / "others", per_label=10, seed=5)
    models_dir = tmp_path / "models"
    run = mlplay("train", "teach", "--data", photos, "--name", "things", "--models-dir", models_dir)
    assert run.returncode == 0, run.stderr
    assert "held-out accuracy" in run.stdout and "saved" in run.stdout
    card = json.loads((models_dir / "things" / "card.json").read_text())
    assert card["kind"] == "taught" and card["labels"] == ["blue", "green", "red"]
    assert card["data"]["per_label"]["red"] == {"examples": 15, "trained_on": 12, "held_out": 3,
                                                "held_out_right": card["data"]["per_label"]["red"]["held_out_right"]}
    backbone_card = json.loads((Path(os.environ["MLPLAY_DATA"]) / "mobilenet-v2" / "card.json").read_text())
    assert card["backbone"]["sha256"] == backbone_card["sha256"]["features.tflite"]
    assert sorted(card["sha256"]) == ["head.npz", "labels.txt"]

    predicted = mlplay("predict", "things", *(others / label for label in ("red", "green", "blue")), "--jsonl",
                       "--models-dir", models_dir)
    assert predicted.returncode == 0, predicted.stderr
    rows = [json.loads(line) for line in predicted.stdout.splitlines()]
    from mlplay.imageio import read_bgr

    taught = models.Taught("things", models_dir)  # the same answers as the model computed here
    assert len(rows) == 30
    for row in rows:
        p = taught(read_bgr(Path(row["image"])))
        assert row["label"] == taught.labels[int(np.argmax(p))]
        assert row["probability"] == pytest.approx(p.max(), abs=1e-4)

    listed = mlplay("models", "--models-dir", models_dir)
    assert "things" in listed.stdout and "held out accuracy" in listed.stdout
    evaluated = mlplay("eval", "things", "--data", photos, "--models-dir", models_dir)
    assert evaluated.returncode == 0 and "yes" in evaluated.stdout, evaluated.stdout + evaluated.stderr

    (models_dir / "things" / "head.npz").write_bytes(b"damaged")
    broken = mlplay("predict", "things", others / "red", "--models-dir", models_dir)
    assert broken.returncode == 1 and "damaged" in broken.stderr and broken.stderr.count("\n") == 1


@pytest.mark.slow
def test_train_teach_bad_input_is_one_line_and_writes_nothing(tmp_path, with_backbone, mlplay):
    models_dir = tmp_path / "models"
    empty = tmp_path / "empty"
    (empty / "cup").mkdir(parents=True)
    (empty / "cup" / "notes.txt").write_text("no pictures here")
    one = write_things(tmp_path / "one", per_label=4, labels=("red",))
    lonely = write_things(tmp_path / "lonely", per_label=4, labels=("red", "green"))
    (lonely / "blue").mkdir()
    shipped = mlplay("train", "teach", "--data", write_things(tmp_path / "ok", 3), "--name", "hands")
    assert shipped.returncode == 1 and "'hands' is a model mlplay ships or trains" in shipped.stderr
    for folder, message in ((empty, "no pictures in"), (one, "only one label"), (lonely, "no examples of blue"),
                            (tmp_path / "missing", "is not a folder")):
        run = mlplay("train", "teach", "--data", folder, "--name", "mine", "--models-dir", models_dir)
        assert run.returncode == 1 and message in run.stderr, run.stderr
        assert run.stderr.count("\n") == 1 and "Traceback" not in run.stderr
    assert not (models_dir / "mine").exists()
    no_name = mlplay("train", "teach", "--data", one)
    assert no_name.returncode == 1 and "--name" in no_name.stderr


def _frames(rng, labels, each):
    return [thing(label, rng) for label in labels for _ in range(each)]


@pytest.mark.slow
def test_camera_teach_records_trains_saves_and_adds_to_a_saved_model(tmp_path, with_backbone, monkeypatch, mlplay):
    from mlplay.shell import camera, window
    from mlplay.teach import commands

    rng = np.random.default_rng(3)
    models_dir = tmp_path / "models"
    frames = _frames(rng, ("red", "green", "blue"), 40)
    script = {i: "1" for i in range(0, 30)} | {i: "2" for i in range(40, 70)} | {i: "3" for i in range(80, 110)}
    script |= {112: "t", 113: "s"}
    display = ScriptedDisplay(script)
    monkeypatch.setattr(window, "make_display", lambda show, title: display)
    monkeypatch.setattr(camera, "open_source", lambda spec: camera.FrameListSource(frames))
    commands.run_camera("things", "red,green,blue", "video.mp4", True, False, False, False, models_dir)
    card = json.loads((models_dir / "things" / "card.json").read_text())
    counts = {label: card["data"]["per_label"][label]["examples"] for label in card["labels"]}
    assert card["labels"] == ["red", "green", "blue"] and all(n >= 30 for n in counts.values())
    folder = data.examples_dir("things")
    assert sorted(p.name for p in folder.iterdir()) == [".features.npz", "blue", "green", "labels.json", "red"]
    assert len(list((folder / "red").glob("*.jpg"))) == counts["red"]

    # again: the saved model's labels, its examples kept, more added and numbered after them
    display2 = ScriptedDisplay({i: "1" for i in range(10)} | {20: "t", 21: "s"})
    monkeypatch.setattr(window, "make_display", lambda show, title: display2)
    monkeypatch.setattr(camera, "open_source", lambda spec: camera.FrameListSource(_frames(rng, ("red",), 25)))
    commands.run_camera("things", None, "video.mp4", True, False, False, False, models_dir)
    again = json.loads((models_dir / "things" / "card.json").read_text())
    assert again["data"]["per_label"]["red"]["examples"] > counts["red"]
    assert again["data"]["per_label"]["green"]["examples"] == counts["green"]
    last = again["data"]["per_label"]["red"]["examples"] - 1
    assert sorted(p.name for p in (folder / "red").glob("*.jpg"))[-1] == f"{last:05d}.jpg"
    evaluated = mlplay("eval", "things", "--models-dir", models_dir)
    assert evaluated.returncode == 0, evaluated.stdout + evaluated.stderr


@pytest.mark.slow
def test_a_camera_that_stops_while_recording_keeps_what_was_recorded(tmp_path, with_backbone, monkeypatch):
    from mlplay.shell import camera, window
    from mlplay.teach import commands

    rng = np.random.default_rng(4)
    source = camera.FrameListSource(_frames(rng, ("red",), 12))
    source.live = True  # a camera: its stream is not supposed to end
    monkeypatch.setattr(window, "make_display", lambda show, title: ScriptedDisplay({i: "1" for i in range(12)}))
    monkeypatch.setattr(camera, "open_source", lambda spec: source)
    kept = "camera stopped sending frames: the 11 frames recorded this session are kept"
    with pytest.raises(MlplayError, match=kept):
        commands.run_camera("things", "red,green", "0", True, False, None, False, tmp_path / "models")
    assert len(list((data.examples_dir("things") / "red").glob("*.jpg"))) == 11  # the key comes after frame 1


def test_camera_teach_refuses_bad_labels_and_shipped_names_before_opening_anything(mlplay):
    for args, message in ((["things", "--labels", "cup"], "only one label"),
                          (["things", "--labels", "../cup,phone"], "not a plain name"),
                          (["hands", "--labels", "a,b"], "'hands' is a model mlplay ships or trains")):
        run = mlplay("camera", "teach", *args, "--no-show", "--source", "nonexistent.mp4", timeout=60)
        assert run.returncode == 1 and message in run.stderr and run.stderr.count("\n") == 1, run.stderr
