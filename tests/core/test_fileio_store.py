import json

import numpy as np
import pytest

from mlplay import store
from mlplay.errors import MlplayError
from mlplay.fileio import atomic_dir, atomic_path, write_json


def test_atomic_path_keeps_the_old_file_when_writing_fails(tmp_path):
    target = tmp_path / "card.json"
    write_json(target, {"v": 1})
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            tmp.write_text("half a card")
            raise RuntimeError("killed mid-write")
    assert json.loads(target.read_text()) == {"v": 1}
    assert [p.name for p in tmp_path.iterdir()] == ["card.json"]  # no temp file left behind


def test_atomic_dir_swaps_whole_folders_or_nothing(tmp_path):
    target = tmp_path / "model"
    with atomic_dir(target) as tmp:
        (tmp / "a").write_text("1")
    with pytest.raises(RuntimeError):
        with atomic_dir(target) as tmp:
            (tmp / "a").write_text("2")
            raise RuntimeError
    assert (target / "a").read_text() == "1"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model"]


def test_missing_model_names_the_command_that_makes_it(tmp_path):
    with pytest.raises(MlplayError) as e:
        store.open("digits-cnn", tmp_path)
    assert "mlplay train digits-cnn" in str(e.value)


def test_bad_model_names_are_refused(tmp_path):
    for bad in ("", "../x", ".hidden"):
        with pytest.raises(MlplayError):
            store.model_path(bad, tmp_path)


def test_round_trip_keras_litert_card_and_predictor_agree(tmp_path):
    import keras

    from mlplay.runtime import Predictor

    inputs = keras.Input((6,))
    hidden = keras.layers.Dense(8, activation="relu")(inputs)
    model = keras.Model(inputs, keras.layers.Dense(3, activation="softmax")(hidden))
    card = {"name": "toy", "task": "test", "labels": ["a", "b", "c"], "metrics": {"test_accuracy": 0.5}}
    store.save(model, card, tmp_path)

    assert store.open("toy", tmp_path).card.raw["files"] == {"model.keras": True, "model.tflite": True}
    assert (tmp_path / "toy" / "labels.txt").read_text().split() == ["a", "b", "c"]
    assert [m.name for m in store.listing(tmp_path)] == ["toy"]
    x = np.random.default_rng(0).random(6).astype(np.float32)
    expected = model(x[None]).numpy()[0]
    reloaded = store.open("toy", tmp_path).keras()
    np.testing.assert_allclose(reloaded(x[None]).numpy()[0], expected, atol=1e-6)
    for backend in ("litert", "tensorflow"):
        predictor = Predictor(store.open("toy", tmp_path), backend=backend)
        assert predictor.backend == backend
        np.testing.assert_allclose(predictor(x), expected, atol=1e-5)
    assert predictor.top(expected, 2)[0][0] == "abc"[int(np.argmax(expected))]


def test_amend_card_merges_metrics_drops_the_stale_ones_and_sets_sections(tmp_path):
    write_json(tmp_path / store.CARD_FILE, {"name": "m", "metrics": {"a": 1, "b": 2, "old": 3}, "notes": {"x": 1}})
    card = store.amend_card(tmp_path, {"b": 20, "c": 30}, drop=("old",), notes={"y": 2})
    assert card["metrics"] == {"a": 1, "b": 20, "c": 30} and card["notes"] == {"y": 2}
    assert json.loads((tmp_path / store.CARD_FILE).read_text()) == card
