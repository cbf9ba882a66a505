"""The shipped digit models, re-scored on the real MNIST test set, must match their cards and the goals."""


import pytest

from mlplay import store
from mlplay.errors import MlplayError
from mlplay.paths import REPO

from helpers import SHARED

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
    """With ../shared/data beside the clone, the real-input sets are fetched first, as `make data` does (USPS,
    optdigits, pendigits from a folder; Quick, Draw! from a local copy of the official files), so that eval scores the
    card's real-input figures again too."""
    env, real_figures = {}, []
    if (SHARED / "digits-real").is_dir() and (SHARED / "quickdraw-sample").is_dir():
        env = {"MLPLAY_QUICKDRAW_URL": (SHARED / "quickdraw-sample").as_uri()}
        for fetch in (("digits-real", "--data", SHARED / "digits-real"), ("quickdraw",)):
            fetched = mlplay("data", "fetch", *fetch, env=env)
            assert fetched.returncode == 0, fetched.stdout + fetched.stderr
        real_figures = [k for k in store.open(name).card.raw["metrics"] if k.split("_")[0] in
                        ("usps", "optdigits", "pendigits", "quickdraw")]
    elif "held_out" in store.open(name).card.raw:
        pytest.skip("its card's real-input figures need ../shared/data/digits-real and quickdraw-sample")
    result = mlplay("eval", name, "--data", real_mnist, env=env, timeout=900)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "yes" in result.stdout and "NO" not in result.stdout  # the card's figures, scored again
    for figure in real_figures:
        assert figure in result.stdout, figure
    card = store.open(name).card.raw
    assert card["metrics"]["test_accuracy"] >= GOALS[name]
    assert card["data"]["splits"]["test"] == 10000 and not card["training"]["quick"]


# issue 21: digits-cnn on real handwriting it never trained on, on drawings that are not digits, and calibrated.
# Two goals are not met yet (docs/digits.md): they are expected failures, strict, so that meeting them is noticed.
NOT_MET = pytest.mark.xfail(strict=True, reason="issue 21's goal is not met yet (docs/digits.md)")
HELD_OUT_GOALS = [("usps_accuracy", ">=", 0.985), pytest.param("optdigits_accuracy", ">=", 0.97, marks=NOT_MET),
                  pytest.param("pendigits_accuracy", ">=", 0.97, marks=NOT_MET), ("quickdraw_flagged", ">=", 0.90),
                  ("test_flagged", "<=", 0.01), ("usps_flagged", "<=", 0.03), ("test_ece", "<=", 0.03),
                  ("test_accuracy", ">=", 0.994)]


@pytest.mark.parametrize(("key", "way", "goal"), HELD_OUT_GOALS)
def test_digits_cnn_card_meets_the_held_out_goals_beyond_mnist(key, way, goal):
    card = store.open("digits-cnn").card.raw
    assert card["labels"][-1] == "not a digit" and len(card["labels"]) == 11
    value = card["metrics"][key]
    assert (value >= goal) if way == ">=" else (value <= goal), (key, value, goal)


def test_digits_cnn_card_names_its_real_input_sets():
    sets = store.open("digits-cnn").card.raw["held_out"]["sets"]
    assert sets["usps"]["count"] == 7291 and sets["optdigits"]["count"] == 1000 and sets["pendigits"]["count"] == 7494
    assert sets["quickdraw"]["count"] == 6845 and len(sets["quickdraw"]["per_class_flagged"]) == 37


def test_digits_mlp_also_says_not_a_digit_and_its_card_names_the_same_real_input_sets():
    card = store.open("digits-mlp").card.raw
    assert card["labels"][-1] == "not a digit" and len(card["labels"]) == 11
    assert set(card["held_out"]["sets"]) >= {"mnist", "usps", "optdigits", "pendigits", "quickdraw"}
    assert card["calibration"]["method"].startswith("temperature scaling") and card["metrics"]["test_ece"] <= 0.03
    assert card["metrics"]["quickdraw_flagged"] >= 0.90 and card["metrics"]["test_flagged"] <= 0.01
