"""The shipped English → French model (models/translate, committed: a missing one fails these tests): its card, its
size, the acceptance sentence through the real command, and `mlplay eval` reproducing the card on the real pairs."""

import json

import pytest

from mlplay import store

from translatehelpers import SHARED_PAIRS, needs_pairs

BUDGET_BYTES = 12_000_000


@pytest.fixture(scope="module")
def shipped():
    return store.open("translate")


def test_the_card_holds_held_out_figures_of_the_shipped_files(shipped):
    card = shipped.card.raw
    assert sorted(p.name for p in shipped.folder.iterdir()) == ["card.json", "network.json", "vocabulary.json",
                                                                "weights.npz"]
    assert shipped.damaged() == [] and shipped.size <= BUDGET_BYTES
    metrics = card["metrics"]
    assert card["headline"] in metrics and card["family"] == "translate" and not card["training"]["quick"]
    assert metrics["test_bleu"] > metrics["baseline_test_bleu"] + 10
    assert metrics["test_bleu_beam4"] >= metrics["test_bleu"] - 1
    assert metrics["test_chrf"] > metrics["baseline_test_chrf"]
    assert metrics["unk_written"] == 0
    sizes = card["data"]["sentences"]
    assert sizes["test"]["sentences"] == card["test_set"]["sentences"] > 2000
    assert card["data"]["vocabulary"]["kind"].startswith("byte-pair encoding")
    assert card["training"]["seconds"] <= 30 * 60 and card["training"]["minutes_budget"] <= 30


def test_i_am_hungry_through_the_command(mlplay):
    done = mlplay("translate", stdin="I am hungry.\n", env={"MLPLAY_MODELS": store.model_path("translate").parent})
    assert done.returncode == 0 and done.stderr == ""
    assert done.stdout.strip() in ("J'ai faim.", "J'ai faim !")


@pytest.mark.slow
@needs_pairs
def test_eval_reproduces_the_card_on_the_real_pairs(mlplay):
    done = mlplay("eval", "translate", "--data", SHARED_PAIRS, timeout=900)
    assert done.returncode == 0 and "NO" not in done.stdout, done.stdout + done.stderr
    assert json.loads((store.model_path("translate") / "card.json").read_text())["data"]["pairs"] == 71_488
