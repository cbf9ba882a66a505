"""The digits a generator learns from: MNIST, with the validation digits set apart here (not by the loop), so that
the measures taken after each epoch can compare the generator with real digits it never saw."""

from pathlib import Path

import numpy as np

from mlplay.digits import data as mnist
from mlplay.experiment import Dataset

VALIDATION = 0.1  # a tenth of the training digits, chosen by a seeded permutation (as the loop chooses for digits-cnn)
MINUTES = 18.0  # the wall-time budget of a training run: the learning rate decays over it (a GPU gets more epochs)
SEED = 0
QUICK_TRAIN, QUICK_TEST = 2000, 500


def load_data(path: Path | None, quick: bool) -> Dataset:
    arrays = mnist.load(path or mnist.fetch())
    source = f"{path.name} (MNIST format)" if path else mnist.source_label()
    x, y = arrays["x_train"], arrays["y_train"].astype(np.int64)
    x_test, y_test = arrays["x_test"], arrays["y_test"].astype(np.int64)
    if quick:
        x, y, x_test, y_test = x[:QUICK_TRAIN], y[:QUICK_TRAIN], x_test[:QUICK_TEST], y_test[:QUICK_TEST]
    order = np.random.default_rng(SEED).permutation(len(x))
    n_val = int(round(len(x) * VALIDATION))
    val, train = order[:n_val], order[n_val:]
    channel = lambda a: a[..., None]  # noqa: E731 - uint8 stays uint8 (the loop casts batches to float)
    return Dataset(channel(x[train]), y[train], channel(x_test), y_test, source, x_val=channel(x[val]), y_val=y[val],
                   minutes=MINUTES,
                   meta={"validation_split": f"{VALIDATION:.0%} of the training digits, seed {SEED}; "
                                             "test set held out (only the final measures use it)"})
