"""The shipped summation and text models: their cards meet the goals, and the numpy runtime reproduces them."""

import pytest

from mlplay import store
from mlplay.errors import MlplayError

SUM_GOALS = {"sum-2": 0.999, "sum-3": 0.995}
TEXT = ("shakespeare", "wikipedia")


def shipped_card(name):
    """The shipped card; these models are committed, so a missing one is a failure, not a skip."""
    try:
        return store.load_card(name)
    except MlplayError as e:
        pytest.fail(f"{name} should be shipped in models/: {e}")


@pytest.mark.parametrize("name", sorted(SUM_GOALS))
def test_sum_cards_meet_the_exact_match_goal_on_unseen_pairs(name):
    card = shipped_card(name)
    metrics = card["metrics"]
    assert metrics["test_exact_match"] >= SUM_GOALS[name] and not card["training"]["quick"]
    assert metrics["test_char_accuracy"] >= metrics["test_exact_match"]
    assert "disjoint" in card["data"]["questions"] and card["data"]["generated"]


@pytest.mark.parametrize("name", sorted(SUM_GOALS))
def test_numpy_adder_reproduces_the_card_on_the_regenerated_test_set(name):
    from mlplay import summation
    from mlplay.experiments.summation import load_data

    card = shipped_card(name)
    digits = int(name[-1])
    data = load_data(digits, quick=False)
    assert len(data.x_test) == card["data"]["splits"]["test"]
    adder = summation.Adder(store.model_path(name), digits)
    predicted = adder.probabilities(data.x_test).argmax(axis=-1)
    assert summation.exact_match(predicted, data.y_test) == pytest.approx(card["metrics"]["test_exact_match"], abs=1e-4)


@pytest.mark.parametrize("name", TEXT)
def test_text_models_beat_their_ngram_baseline_on_the_test_block(name):
    card = shipped_card(name)
    metrics = card["metrics"]
    assert metrics["test_bits_per_char"] < metrics["ngram_test_bits_per_char"] and metrics["beats_ngram_baseline"]
    assert card["baseline"]["order"] >= 1 and not card["training"]["quick"]
    assert card["architecture"]["params"] < 600_000
    assert card["data"]["split"].startswith("contiguous blocks")
