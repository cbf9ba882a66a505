"""The shipped digits-gen: its card (written by the training code, judged by the shipped digits-cnn), its goals, and
the pictures it writes, read back by digits-cnn."""


import cv2
import numpy as np
import pytest

from mlplay import store
from mlplay.dream.dreamer import Dreamer

GOALS = {"conditional_accuracy": 0.97, "diversity_min": 0.80}


@pytest.fixture(scope="module")
def card():
    return store.open("digits-gen").card.raw


def test_the_card_holds_the_measures_of_a_full_run(card):
    assert card["family"] == "dream" and card["headline"] == "conditional_accuracy"
    assert card["data"]["splits"] == {"train": 54000, "validation": 6000, "test": 10000}
    assert not card["training"]["quick"] and card["training"]["seconds"] <= 20 * 60
    metrics = card["metrics"]
    assert metrics["diversity_min"] >= GOALS["diversity_min"]
    assert metrics["frechet_floor"] < metrics["frechet_distance"] < metrics["frechet_first_epoch"]
    assert len(card["measures"]["per_digit"]["conditional_accuracy"]) == 10
    assert min(card["measures"]["per_digit"]["diversity"]) == pytest.approx(metrics["diversity_min"], abs=1e-4)


def test_the_shipped_generator_meets_the_conditional_accuracy_goal(card):
    assert card["metrics"]["conditional_accuracy"] >= GOALS["conditional_accuracy"]


@pytest.mark.xfail(strict=True, reason="issue 24's Fréchet-distance goal is not met: 8.2 × the floor as sampled "
                   "(docs/dream.md)")
def test_the_shipped_generator_meets_the_frechet_distance_goal(card):
    assert card["metrics"]["frechet_distance"] <= 5 * card["metrics"]["frechet_floor"]


def test_the_card_was_judged_by_the_shipped_digits_cnn(card):
    judge = store.open("digits-cnn").card
    assert card["measures"]["judge_sha256"] == judge.sha256["model.keras"], \
        "digits-cnn changed since digits-gen was measured: measure again with mlplay train digits-gen"


def test_the_card_describes_the_generator_it_ships(card):
    dreamer = Dreamer()
    assert card["input"]["shape"] == [dreamer.latent]
    assert dreamer.spread == card["sampling"]["spread"] < 1  # what the card's figures were measured at
    assert f"({dreamer.latent} values)" in card["input"]["preprocessing"]


def test_twenty_threes_are_twenty_different_threes(tmp_path, mlplay):
    out = tmp_path / "threes"
    result = mlplay("dream", "digits", "--digit", "3", "--count", "20", "--out", out, "--seed", "0")
    assert result.returncode == 0, result.stderr
    pictures = [cv2.imread(str(p), cv2.IMREAD_GRAYSCALE) for p in sorted(out.glob("*.png"))]
    assert len(pictures) == 20 and len({p.tobytes() for p in pictures}) == 20
    judge = store.open("digits-cnn").litert()
    read = [int(np.argmax(judge.run(p[None, ..., None].astype(np.float32))[0])) for p in pictures]
    assert sum(r == 3 for r in read) >= 18, read


@pytest.mark.slow
def test_the_litert_export_draws_what_keras_draws():
    from mlplay.dream.tracking import generate

    dreamer = Dreamer()
    z = np.random.default_rng(0).standard_normal((200, dreamer.latent)).astype(np.float32)
    digits = np.arange(200) % 10
    keras_pictures = dreamer.tone[generate(store.open("digits-gen").keras(), dreamer.spread * z, digits)]
    difference = np.abs(dreamer.draw(z, digits).astype(int) - keras_pictures)
    assert difference.max() <= max(1, int(np.diff(dreamer.tone.astype(int)).max()))  # one level apart, toned


@pytest.mark.slow
def test_eval_recomputes_the_card(mlplay):
    result = mlplay("eval", "digits-gen")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "NO" not in result.stdout and "conditional_accuracy" in result.stdout
