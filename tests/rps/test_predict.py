"""`mlplay predict rps-cnn PHOTO…` reads colour photos exactly as training and the camera do (rps_data.to_input)."""

import json

import cv2
import numpy as np
import pytest

from mlplay import store
from mlplay.rps import data as rps_data
from mlplay.rps.game import MOVES

pytestmark = pytest.mark.slow  # saves a model (LiteRT conversion): ~20 s


@pytest.fixture(scope="module")
def untrained(tmp_path_factory):
    """An untrained rps-cnn (random weights make different photos give different answers) in a models folder."""
    import keras

    from mlplay.console import quiet_stderr
    from mlplay.rps.models import build_cnn

    keras.utils.set_random_seed(3)
    root = tmp_path_factory.mktemp("models")
    model = build_cnn()
    with quiet_stderr():
        store.save(model, {"name": "rps-cnn", "task": "image-classification", "labels": list(MOVES),
                           "input": {"shape": [96, 96, 3]}}, root)
    return root, model


def test_predict_rps_cnn_on_colour_photos_matches_the_training_preprocessing(untrained, tmp_path, mlplay):
    root, model = untrained
    rng = np.random.default_rng(0)
    photos = []
    for i, (h, w) in enumerate([(200, 300), (300, 300), (480, 640)]):
        photo = tmp_path / f"hand{i}.jpg" if i else tmp_path / f"hand{i}.png"
        img = rng.integers(0, 255, (h, w, 3), np.uint8)
        img[:, : w // 3, 2] = 255  # a red left third: colour matters, a grey reading would differ
        cv2.imwrite(str(photo), img)
        photos.append(photo)
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"not a picture")
    result = mlplay("predict", "rps-cnn", *photos, broken, "--jsonl", "--top", "3", "--models-dir", root)
    assert result.returncode == 1 and "Traceback" not in result.stderr  # the broken file: one error line, exit 1
    assert result.stderr.startswith("Warning: skipped ") and "broken.jpg" in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("Error: 1 of 4 images could not be read")
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["image"] for line in lines] == [str(p) for p in photos]
    for line, photo in zip(lines, photos):
        assert set(line) == {"image", "label", "probability", "top"}
        expected = model.predict(rps_data.to_input(cv2.imread(str(photo)), 96)[None].astype(np.float32), verbose=0)[0]
        got = dict(line["top"])
        assert line["label"] == MOVES[int(np.argmax(expected))] and sorted(got) == sorted(MOVES)
        assert all(abs(got[m] - float(expected[i])) < 2e-3 for i, m in enumerate(MOVES))
