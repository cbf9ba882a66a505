"""The bench's time-to-accuracy runner (its figures are `make bench`'s, not a test's): tiny data, one epoch."""


import pytest

from mlplay.digits.speed import first_reached, versus


def test_first_reached_is_the_training_time_of_the_first_epoch_at_the_threshold():
    epochs = [{"seconds": 30.0, "test_accuracy": 0.985}, {"seconds": 61.0, "test_accuracy": 0.9912},
              {"seconds": 90.0, "test_accuracy": 0.989}]
    assert first_reached(epochs, 0.99) == 61.0
    assert first_reached(epochs, 0.994) is None


def test_versus_compares_the_times_to_a_threshold_or_says_the_other_never_got_there():
    fast = [{"seconds": 20.0, "test_accuracy": 0.991}]
    slow = [{"seconds": 50.0, "test_accuracy": 0.985}, {"seconds": 100.0, "test_accuracy": 0.992}]
    never = [{"seconds": 60.0, "test_accuracy": 0.97}, {"seconds": 120.0, "test_accuracy": 0.98}]
    assert versus(fast, slow, 0.99) == "5.0× faster"
    assert versus(fast, never, 0.99) == "never got there (98.00% after 2 epochs, 120 s)"
    assert versus(never, fast, 0.99) == "-" and versus(fast, [], 0.99) == "-"


@pytest.mark.slow
def test_bench_times_the_original_the_shipped_and_both_fast_recipes_and_says_the_test_set_picks_nothing(tiny_mnist,
                                                                                                         mlplay):
    result = mlplay.python("-m", "mlplay.digits.speed", "--quick", "--data", tiny_mnist, timeout=900,
                           env={"COLUMNS": "200"})
    assert result.returncode == 0, result.stderr[-2000:]
    out = result.stdout
    assert "original:" in out and "shipped:" in out and "fast:" in out and "fast-long:" in out
    assert "conv5×8→pool→conv5×16" in out and "one-cycle" in out and "against the original recipe:" in out
    assert "picks no model" in out and "fast recipe to 99.0%" in out and "fast-long recipe to 99.4%" in out
