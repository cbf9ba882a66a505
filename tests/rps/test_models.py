"""rps-mobilenet: staged training (a head on cached features of the frozen ImageNet base, then fine-tuning of its top
blocks), the int8 LiteRT file it ships alone, `eval` through that file, --no-pretrained, the offline message, and the
mixed data (real photos split by the rps-hands hash, the official set by its own folders)."""

import json
import os

import numpy as np
import pytest

from mlplay.errors import MlplayError
from mlplay.rps import synthetic as rps_synthetic

from helpers import SHARED, needs_shared, shipped_card


def test_mixed_data_holds_out_the_photos_rps_hands_holds_out_and_the_official_test_split(tmp_path):
    from mlplay.rps import data as rps_data, landmarks as hand_data

    real = rps_synthetic.write_folders(tmp_path / "real", per_class=30, size=32, seed=0)
    official = tmp_path / "cgi"
    for split, n in (("train", 12), ("test", 4)):
        for move in ("rock", "paper", "scissors"):
            (official / split / move).mkdir(parents=True)
            for series in range(3):
                for i in range(n // 3 + 1):
                    (official / split / move / f"{move}{series:02d}-{i:03d}.png").write_bytes(
                        (real / move / sorted(os.listdir(real / move))[i]).read_bytes())
    data = rps_data.load_mixed(f"{official},{real}", 32, quick=False)
    names = np.array([f"{m}/{p}" for m in ("rock", "paper", "scissors") for p in sorted(os.listdir(real / m))])
    assert len(data.y_test) == int(hand_data.is_test(names).sum())  # the real photos' fifth, by the same hash
    assert data.meta["test_is"].startswith("held-out real photos") and "reload" not in data.meta  # outside the project
    assert len(data.other_tests["official"][1]) == 3 * 3 * (4 // 3 + 1)  # moves × series × frames
    per = data.meta["per_class"]
    rock = names[:30]
    real_validation = ~hand_data.is_test(rock) & hand_data.is_test(np.array([f"validation/{n}" for n in rock]), 0.125)
    assert per["validation"]["rock"] == (12 // 3 + 1) + int(real_validation.sum())  # one rendered series + an eighth
    assert sum(sum(split.values()) for split in per.values()) == len(data.y_train) + len(data.y_val) + len(data.y_test)
    with pytest.raises(MlplayError, match="is not a folder"):
        rps_data.load_mixed(f"{real},{tmp_path / 'nope'}", 32, quick=False)


def test_mobilenet_trains_in_two_phases_from_scratch(tmp_path, mlplay):
    data = rps_synthetic.write_folders(tmp_path / "synth", per_class=8, size=64, seed=0)
    result = mlplay("train", "rps-mobilenet", "--quick", "--no-pretrained", "--data", data,
                    "--models-dir", tmp_path / "models", timeout=600)
    assert result.returncode == 0, result.stderr
    assert "phase head (base frozen)" in result.stdout and "phase fine-tune" in result.stdout
    card = json.loads((tmp_path / "models" / "rps-mobilenet-quick" / "card.json").read_text())
    phases = card["training"]["phases"]
    assert [p["learning_rate"] for p in phases] == [1e-3, 1e-4] and all(p["epochs_run"] == 1 for p in phases)
    assert card["training"]["pretrained_weights"] is False and card["training"]["epochs_run"] == 2
    assert card["weights"].startswith("trained from scratch (--no-pretrained)")
    assert card["labels"] == ["rock", "paper", "scissors"] and card["input"]["shape"] == [128, 128, 3]
    assert "[-1, 1]" in card["input"]["preprocessing"] and "SYNTHETIC" in card["data"]["source"]
    assert card["files"] == {"model.tflite": True}
    assert not (tmp_path / "models" / "rps-mobilenet-quick" / "model.keras").exists()
    result = mlplay("train", "rps-mobilenet", "--resume", "--data", data)
    assert result.returncode == 1 and "--resume is not supported" in result.stderr


@pytest.mark.slow
def test_from_imagenet_weights_the_head_learns_on_cached_features_and_the_int8_file_is_shipped(tmp_path, with_backbone,
                                                                                            mlplay):
    data = rps_synthetic.write_folders(tmp_path / "synth", per_class=10, size=64, seed=1)
    models_dir = tmp_path / "models"
    result = mlplay("train", "rps-mobilenet", "--quick", "--data", data, "--models-dir", models_dir)
    assert result.returncode == 0, result.stderr
    assert "head on cached features" in result.stdout
    card = json.loads((models_dir / "rps-mobilenet-quick" / "card.json").read_text())
    assert card["training"]["phases"][0]["on_cached_features"] is True
    assert 0 <= card["metrics"]["test_accuracy"] <= 1 and "test_accuracy" in card["float_model"]
    assert card["litert"]["bytes"] == (models_dir / "rps-mobilenet-quick" / "model.tflite").stat().st_size
    assert card["weights"]["weights_digest"] and "BSD-3-Clause" in card["weights"]["licence"]
    assert sorted(card["sha256"]) == ["labels.txt", "model.tflite"]  # no model.keras
    evaluated = mlplay("eval", "rps-mobilenet-quick", "--data", data, "--models-dir", models_dir)
    assert evaluated.returncode == 0 and "test_accuracy" in evaluated.stdout, evaluated.stdout + evaluated.stderr
    no_data = mlplay("eval", "rps-mobilenet-quick", "--models-dir", models_dir)
    assert no_data.returncode == 1 and "--data" in no_data.stderr
    predicted = mlplay("predict", "rps-mobilenet-quick", data / "rock", "--models-dir", models_dir, "--jsonl")
    assert predicted.returncode == 0 and len(predicted.stdout.splitlines()) == 10, predicted.stderr


@pytest.mark.slow
def test_imagenet_weights_go_into_the_128px_base_and_the_phases_freeze_what_they_should(with_backbone):
    import keras

    from mlplay.rps import mobilenet as rps
    from mlplay.vision import backbone

    cached = keras.models.load_model(backbone.folder() / backbone.KERAS_FILE, compile=False)
    model = rps.build_mobilenet(pretrained=True)
    base = model.get_layer("mobilenetv2_imagenet")
    assert base.inputs[0].shape[1:3] == (128, 128)
    for name in ("stem", "block16_project", "head"):
        assert np.array_equal(base.get_layer(name).get_weights()[0], cached.get_layer(name).get_weights()[0])
    rps.freeze_base(model)
    assert not base.trainable
    head_only = sum(int(np.prod(w.shape)) for w in model.trainable_weights)
    assert head_only == 64 * 3 + 3  # the narrow test backbone has 64 features
    rps.fine_tune_top(model)
    first = rps.FINE_TUNE_FROM
    assert not base.get_layer(f"block{first - 1}_project").trainable
    assert base.get_layer(f"block{first}_project").trainable
    assert base.get_layer("head").trainable and not base.get_layer("stem").trainable
    assert head_only < sum(int(np.prod(w.shape)) for w in model.trainable_weights)


def test_without_cached_weights_and_offline_it_says_to_fetch_or_use_no_pretrained(monkeypatch):
    from mlplay.rps import mobilenet as rps
    from mlplay.vision import backbone

    def offline(*a, **k):
        raise MlplayError("could not download the float MobileNetV2 weights: no network")

    monkeypatch.setattr(backbone, "fetch", offline)
    with pytest.raises(MlplayError, match="could not download") as e:
        rps.imagenet_base()
    assert "--no-pretrained" in str(e.value) and "mlplay data fetch mobilenet-v2" in str(e.value)


@pytest.mark.slow
@needs_shared("rps-cgi")
@needs_shared("rps-real")
def test_the_shipped_rps_mobilenet_measures_what_its_card_says(mlplay):
    """`mlplay eval` through the shipped int8 file, on the real photos and the official CGI set: the card's figures."""
    data = f"{SHARED / 'rps-cgi'},{SHARED / 'rps-real'}"
    result = mlplay("eval", "rps-mobilenet", "--data", data, timeout=600)
    assert result.returncode == 0, result.stderr + result.stdout
    card = shipped_card("rps-mobilenet")
    assert card["headline"] in card["metrics"] and "official_test_accuracy" in card["metrics"]
