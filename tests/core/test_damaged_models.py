"""Damaged model files: a one-line error naming the model and the command that rebuilds it; `mlplay models`
marks them. Cards record each file's SHA-256 at save time (shipped cards too); cards without hashes still
fail in one line when a file does not load."""

import json
import shutil

import cv2
import numpy as np
import pytest

from mlplay import store
from mlplay.errors import MlplayError
from mlplay.paths import models_dir


def copy_model(name, root):
    shutil.copytree(models_dir() / name, root / name)
    return root / name


def truncate(path):
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def flip_bytes(path):
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle:middle + 64] = bytes(b ^ 0xFF for b in data[middle:middle + 64])
    path.write_bytes(bytes(data))


def forget_hashes(folder):
    card = json.loads((folder / "card.json").read_text())
    card.pop("sha256")
    (folder / "card.json").write_text(json.dumps(card))


def test_every_shipped_card_records_the_sha256_of_its_files_and_they_match():
    for entry in store.listing():
        assert entry.model is not None, entry.problem
        card = entry.card.raw
        folder = models_dir() / card["name"]
        files = sorted(p.name for p in folder.iterdir() if p.is_file() and p.name != "card.json")
        assert sorted(card["sha256"]) == files, card["name"]
        assert entry.model.damaged() == [], card["name"]
        assert not card.get("run", {}).get("folder", "").startswith("/"), card["name"]  # relative to the project


DAMAGE = [  # model, file, how, command, stdin
    ("digits-cnn", "model.tflite", truncate, ["predict", "digits-cnn", "IMAGE"], None),
    ("sum-2", "weights.npz", flip_bytes, ["sum"], "17+38\n"),
    ("shakespeare", "weights.npz", truncate, ["write", "shakespeare", "--prompt", "To be"], None),
]


@pytest.mark.parametrize("hashes", [True, False], ids=["card-with-sha256", "card-without-sha256"])
@pytest.mark.parametrize("name,file,damage,command,stdin", DAMAGE, ids=[d[0] for d in DAMAGE])
def test_a_damaged_model_file_is_one_line_naming_the_model_and_its_rebuild(tmp_path, name, file, damage, command,
                                                                           stdin, hashes, mlplay):
    folder = copy_model(name, tmp_path)
    image = tmp_path / "seven.png"
    cv2.imwrite(str(image), cv2.putText(np.zeros((64, 64), np.uint8), "7", (16, 52), 0, 1.8, 255, 5))
    args = [str(image) if a == "IMAGE" else a for a in command]
    good = mlplay(*args, "--models-dir", tmp_path, stdin=stdin)
    assert good.returncode == 0, good.stderr  # the copy works before the damage
    damage(folder / file)
    if not hashes:
        forget_hashes(folder)
    bad = mlplay(*args, "--models-dir", tmp_path, stdin=stdin)
    assert bad.returncode == 1 and "Traceback" not in bad.stderr
    (line,) = bad.stderr.strip().splitlines()
    rebuild = json.loads((folder / "card.json").read_text())["command"]
    assert line.startswith("Error: ") and f"'{name}'" in line and file in line and f"rebuild it with: {rebuild}" in line


def test_a_damaged_keras_file_is_one_line_too(tmp_path):
    folder = copy_model("digits-mlp", tmp_path)
    flip_bytes(folder / "model.keras")
    with pytest.raises(MlplayError, match="'digits-mlp' is damaged: model.keras not as it was saved"):
        store.open("digits-mlp", tmp_path).keras()
    forget_hashes(folder)
    truncate(folder / "model.keras")
    with pytest.raises(MlplayError, match="'digits-mlp': model.keras is damaged or unreadable") as e:
        store.open("digits-mlp", tmp_path).keras()
    assert e.value.hint == "rebuild it with: mlplay train digits-mlp"


def test_the_predictor_checks_the_file_it_opens_and_only_that_one(tmp_path):
    from mlplay.runtime import Predictor

    folder = copy_model("digits-cnn", tmp_path)
    flip_bytes(folder / "model.keras")  # not read when the LiteRT file serves: not hashed either
    assert Predictor(store.open("digits-cnn", tmp_path)).backend == "litert"
    with pytest.raises(MlplayError, match="'digits-cnn' is damaged: model.keras not as it was saved"):
        Predictor(store.open("digits-cnn", tmp_path), backend="tensorflow")
    flip_bytes(folder / "model.tflite")
    with pytest.raises(MlplayError, match="'digits-cnn' is damaged: model.tflite not as it was saved"):
        Predictor(store.open("digits-cnn", tmp_path))


def test_models_marks_a_damaged_model_and_says_how_to_rebuild_it(tmp_path, mlplay):
    copy_model("sum-2", tmp_path)
    flip_bytes(copy_model("digits-cnn", tmp_path) / "model.tflite")
    result = mlplay("models", "--models-dir", tmp_path)
    assert result.returncode == 0, result.stderr
    rows = {line.split()[0]: line for line in result.stdout.splitlines() if "MB" in line}
    assert "DAMAGED: model.tflite" in rows["digits-cnn"] and "DAMAGED" not in rows["sum-2"]
    assert "digits-cnn is damaged" in result.stdout and "mlplay train digits-cnn" in result.stdout


def test_save_records_hashes_that_verify_and_catch_a_changed_file(tmp_path):
    import keras

    inputs = keras.Input((4,))
    model = keras.Model(inputs, keras.layers.Dense(2, activation="softmax")(inputs))
    store.save(model, {"name": "toy", "task": "test", "labels": ["a", "b"], "command": "mlplay train toy"}, tmp_path)
    model = store.open("toy", tmp_path)
    assert sorted(model.card.sha256) == ["labels.txt", "model.keras", "model.tflite"] and model.damaged() == []
    (tmp_path / "toy" / "labels.txt").write_text("b\na\n")
    assert model.damaged() == ["labels.txt"]
    with pytest.raises(MlplayError, match="labels.txt not as it was saved") as e:
        store.open("toy", tmp_path).file("labels.txt")
    assert e.value.hint == "rebuild it with: mlplay train toy"
