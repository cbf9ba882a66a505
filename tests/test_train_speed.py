"""The bench's time-to-accuracy runner (its figures are `make bench`'s, not a test's): tiny data, one epoch."""

import os
import subprocess
import sys

import pytest

from mlplay.digits.speed import first_reached


def test_first_reached_is_the_training_time_of_the_first_epoch_at_the_threshold():
    epochs = [{"seconds": 30.0, "test_accuracy": 0.985}, {"seconds": 61.0, "test_accuracy": 0.9912},
              {"seconds": 90.0, "test_accuracy": 0.989}]
    assert first_reached(epochs, 0.99) == 61.0
    assert first_reached(epochs, 0.994) is None


@pytest.mark.slow
def test_bench_trains_both_recipes_and_says_the_test_set_picks_nothing(tiny_mnist, tmp_path):
    result = subprocess.run([sys.executable, "-m", "mlplay.digits.speed", "--quick", "--data", str(tiny_mnist)],
                            capture_output=True, text=True, timeout=900, env={**os.environ, "COLUMNS": "200"})
    assert result.returncode == 0, result.stderr[-2000:]
    out = result.stdout
    assert "seed:" in out and "fast:" in out and "fast-long:" in out and "one-cycle" in out
    assert "picks no model" in out and "fast recipe to 99.0%" in out and "fast-long recipe to 99.4%" in out
