"""`predict` (rps-hands too), `classify` and `detect` treat a batch with some bad files alike: each bad file is
skipped with a one-line warning, the good ones are still done, then one summary line and exit 1."""

import json

import cv2
import numpy as np
import pytest


def mixed_batch(folder):
    """A good picture (a bright square, also a 7-ish blob for digits), a missing file and a broken one."""
    good = folder / "good.png"
    img = np.full((96, 96, 3), 30, np.uint8)
    img[20:80, 30:70] = 250
    cv2.imwrite(str(good), img)
    (folder / "broken.jpg").write_bytes(b"\xff\xd8 not really a jpeg")
    return [good, folder / "missing.png", folder / "broken.jpg"]


def assert_reported_alike(result, stdout_lines=1):
    assert result.returncode == 1 and "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert [line.split(" ")[0] for line in lines] == ["Warning:", "Warning:", "Error:"], result.stderr
    assert "missing.png" in lines[0] and "damaged JPEG" in lines[1] and "broken.jpg" in lines[1]
    assert lines[2].startswith("Error: 2 of 3 images could not be read (skipped)")
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == stdout_lines and rows[0]["image"].endswith("good.png")


@pytest.mark.parametrize("model", ["digits-cnn", "rps-hands"])
def test_predict_reports_each_bad_file_and_still_predicts_the_good_ones(tmp_path, model, mlplay):
    assert_reported_alike(mlplay("predict", model, *mixed_batch(tmp_path), "--jsonl"))


@pytest.mark.slow
def test_classify_reports_each_bad_file_and_still_classifies_the_good_ones(tmp_path, mlplay):
    from mlplay.console import tensorflow

    tensorflow()
    import keras

    inputs = keras.Input((32, 32, 3))
    x = keras.layers.GlobalAveragePooling2D()(keras.layers.Rescaling(1 / 255)(inputs))
    keras.Model(inputs, keras.layers.Dense(2, activation="softmax")(x)).save(tmp_path / "model.keras")
    (tmp_path / "labels.txt").write_text("sky\nsun\n")
    assert_reported_alike(mlplay("classify", *mixed_batch(tmp_path), "--model", tmp_path, "--jsonl"))


@pytest.mark.slow
def test_detect_reports_each_bad_file_and_still_detects_in_the_good_ones(tmp_path, mlplay):
    from fake_detector import export

    model = export(tmp_path / "saved_model")
    assert_reported_alike(mlplay("detect", *mixed_batch(tmp_path), "--model", model, "--jsonl"))
