"""Temperature scaling and the expected calibration error (mlplay/training/calibrate.py), on constructed answers."""

import numpy as np
import pytest

from mlplay.training.calibrate import ece, fit_temperature, fold, nll, temper


def overconfident(n=4000, classes=5, seed=0, sharpen=3.0):
    """Answers from a known calibrated model (sampled labels), then sharpened: T = sharpen restores them."""
    rng = np.random.default_rng(seed)
    logits = rng.normal(0, 1.5, (n, classes))
    calibrated = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    labels = np.array([rng.choice(classes, p=p) for p in calibrated])
    return temper(calibrated, 1 / sharpen), labels, calibrated


def test_ece_of_perfectly_calibrated_and_of_overconfident_answers():
    confident_right = np.array([[0.95, 0.05]] * 95 + [[0.95, 0.05]] * 5)
    labels = np.array([0] * 95 + [1] * 5)
    assert ece(confident_right, labels) == pytest.approx(0.0, abs=1e-9)  # 95 % sure, 95 % right
    assert ece(confident_right, np.array([0] * 50 + [1] * 50)) == pytest.approx(0.45)  # 95 % sure, half right


def test_temperature_recovers_a_known_sharpening_and_lowers_ece_and_nll():
    sharp, labels, calibrated = overconfident()
    t = fit_temperature(sharp, labels)
    assert 2.5 < t < 3.6  # the sharpening was 3
    fixed = temper(sharp, t)
    assert ece(fixed, labels) < ece(sharp, labels) / 3
    assert nll(fixed, labels) < nll(sharp, labels)
    assert (fixed.argmax(1) == sharp.argmax(1)).all()  # the ranking, hence accuracy, does not change
    assert np.allclose(temper(fixed, 1 / t), sharp, atol=1e-6)  # taken out again: the answers before


def test_folding_the_temperature_into_the_output_layer_gives_the_tempered_probabilities():
    keras = pytest.importorskip("keras")

    inputs = keras.Input((4,))
    hidden = keras.layers.Dense(8, activation="relu")(inputs)
    model = keras.Model(inputs, keras.layers.Dense(3, activation="softmax")(hidden))
    x = np.random.default_rng(0).normal(0, 3, (50, 4)).astype(np.float32)
    before = model.predict(x, verbose=0)
    fold(model, 2.5)
    assert np.allclose(model.predict(x, verbose=0), temper(before, 2.5), atol=1e-5)


def test_folding_needs_a_softmax_output():
    keras = pytest.importorskip("keras")

    inputs = keras.Input((4,))
    model = keras.Model(inputs, keras.layers.Dense(3)(inputs))
    with pytest.raises(ValueError, match="softmax"):
        fold(model, 2.0)
