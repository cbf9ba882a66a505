"""The shipped digit models, re-scored on the real MNIST test set, must match their cards and the goals."""


import pytest

from mlplay import store
from mlplay.errors import MlplayError
from mlplay.paths import REPO

GOALS = {"digits-mlp": 0.985, "digits-cnn": 0.994}


@pytest.fixture(scope="module")
def real_mnist():
    """The real data set, cached in the repository's datasets/ like a user's (fetched once)."""
    from mlplay.digits import data as mnist

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MLPLAY_DATA", str(REPO / "datasets"))
        try:
            return mnist.fetch(log=lambda *a: None)
        except MlplayError as e:
            pytest.skip(f"MNIST unavailable offline: {e}")


@pytest.mark.parametrize("name", sorted(GOALS))
def test_eval_reproduces_the_card_which_meets_the_goal_without_training_on_the_test_set(name, real_mnist, mlplay):
    result = mlplay("eval", name, "--data", real_mnist)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "yes" in result.stdout and "NO" not in result.stdout  # the card's figures, scored again
    card = store.open(name).card.raw
    assert card["metrics"]["test_accuracy"] >= GOALS[name]
    assert card["data"]["splits"] == {"train": 54000, "validation": 6000, "test": 10000}
    assert not card["training"]["quick"]
