"""rps-mobilenet: staged training (frozen head, then fine-tuning) with --no-pretrained, ImageNet weights copied into
the 128-px base, and the offline message; rps-cnn's card says which data its test figure comes from."""

import json
import subprocess
import sys

import numpy as np
import pytest

from mlplay.rps import synthetic as rps_synthetic
from mlplay.errors import MlplayError

pytestmark = pytest.mark.slow
MLPLAY = [sys.executable, "-m", "mlplay"]


def test_mobilenet_trains_in_two_phases_from_scratch(tmp_path):
    data = rps_synthetic.write_folders(tmp_path / "synth", per_class=8, size=64, seed=0)
    result = subprocess.run([*MLPLAY, "train", "rps-mobilenet", "--quick", "--no-pretrained", "--data", str(data),
                             "--models-dir", str(tmp_path / "models")], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    assert "phase head (base frozen)" in result.stdout and "phase fine-tune" in result.stdout
    card = json.loads((tmp_path / "models" / "rps-mobilenet-quick" / "card.json").read_text())
    phases = card["training"]["phases"]
    assert [p["learning_rate"] for p in phases] == [1e-3, 1e-5] and all(p["epochs_run"] == 1 for p in phases)
    assert card["training"]["pretrained_weights"] is False and card["training"]["epochs_run"] == 2
    assert card["weights"].startswith("trained from scratch (--no-pretrained)") and not card["real_photos"]["measured"]
    assert card["labels"] == ["rock", "paper", "scissors"] and card["input"]["shape"] == [128, 128, 3]
    assert "[-1, 1]" in card["input"]["preprocessing"] and "SYNTHETIC" in card["data"]["source"]
    assert card["files"]["model.tflite"] is True
    result = subprocess.run([*MLPLAY, "train", "rps-mobilenet", "--resume", "--data", str(data)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and "--resume is not supported" in result.stderr


def test_imagenet_weights_go_into_the_128px_base_and_the_phases_freeze_what_they_should(tmp_path, monkeypatch):
    import keras

    from mlplay.vision import pretrained
    from mlplay.rps import models as rps

    published = keras.applications.MobileNetV2(weights=None, include_top=True)  # stands in for the ImageNet file
    for w in published.weights:
        w.assign(np.random.default_rng(len(w.name)).normal(0, 0.05, w.shape).astype("float32"))
    path = tmp_path / "fake_imagenet.weights.h5"
    published.save_weights(path)
    monkeypatch.setattr(pretrained, "mobilenet_weights", lambda fetch=True: path)
    model = rps.build_mobilenet(pretrained=True)
    base = model.get_layer("mobilenetv2_imagenet")
    for name in ("Conv1", "block_16_project"):
        assert np.array_equal(base.get_layer(name).get_weights()[0], published.get_layer(name).get_weights()[0])
    rps.freeze_base(model)
    assert not base.trainable
    head_only = sum(int(np.prod(w.shape)) for w in model.trainable_weights)
    assert head_only == 1280 * 3 + 3
    rps.fine_tune_top(model)
    assert not base.layers[rps.FINE_TUNE_FROM - 1].trainable and base.layers[-1].trainable
    assert head_only < sum(int(np.prod(w.shape)) for w in model.trainable_weights)


def test_without_cached_weights_and_offline_it_says_to_fetch_or_use_no_pretrained(monkeypatch):
    from mlplay.vision import pretrained
    from mlplay.rps import models as rps

    def offline(fetch=True):
        raise MlplayError("the MobileNetV2 ImageNet weights are not cached and cannot be downloaded (no network)")

    monkeypatch.setattr(pretrained, "mobilenet_weights", offline)
    with pytest.raises(MlplayError, match="cannot be downloaded") as e:
        rps.copy_imagenet_weights(base=None)
    assert "--no-pretrained" in str(e.value) and "mlplay data fetch mobilenet-v2" in str(e.value)
