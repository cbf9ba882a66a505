"""The shipped summation models: the numpy runtime the REPL uses reproduces their cards, which meet the goals."""

import pytest

from mlplay import store

from helpers import shipped_card

SUM_GOALS = {"sum-2": 0.999, "sum-3": 0.995}


@pytest.mark.parametrize("name", sorted(SUM_GOALS))
def test_numpy_adder_reproduces_the_card_on_the_regenerated_test_set_and_meets_the_goal(name):
    from mlplay.summation import adder as summation
    from mlplay.summation.models import load_data

    card = shipped_card(name)
    digits = int(name[-1])
    data = load_data(digits, quick=False)
    assert len(data.x_test) == card["data"]["splits"]["test"]
    adder = summation.Adder(store.open(name).file("weights.npz"), digits)
    predicted = adder.probabilities(data.x_test).argmax(axis=-1)
    assert summation.exact_match(predicted, data.y_test) == pytest.approx(card["metrics"]["test_exact_match"], abs=1e-4)
    metrics = card["metrics"]  # the figures just reproduced, on questions never trained on
    assert metrics["test_exact_match"] >= SUM_GOALS[name] and not card["training"]["quick"]
    assert metrics["test_char_accuracy"] >= metrics["test_exact_match"]
    assert "disjoint" in card["data"]["questions"] and card["data"]["generated"]
