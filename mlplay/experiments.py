"""What an experiment tells the training loop (data, model, labels, defaults), and the registry of them:
model name → Experiment, imported lazily (no TensorFlow)."""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from mlplay.errors import MlplayError


@dataclass
class Dataset:
    """Training and held-out test arrays; the loop carves validation out of the training part."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    source: str
    labels: list[str] | None = None  # when the data decides them (e.g. a text's vocabulary)
    meta: dict = field(default_factory=dict)  # anything else the card should record about the data
    x_val: np.ndarray | None = None  # a validation split chosen by the data (e.g. a contiguous text block);
    y_val: np.ndarray | None = None  # when None the loop carves one at random from the training arrays


@dataclass
class Phase:
    """One stage of a staged training (e.g. a frozen base, then fine-tuning): its own epochs and learning rate.

    `prepare(model)` sets which layers train in this phase; the model is recompiled for each phase.
    """

    name: str
    epochs: int
    learning_rate: float
    prepare: Callable[["object"], None] | None = None


@dataclass
class Experiment:
    name: str
    task: str
    summary: str
    labels: list[str]
    input_shape: tuple[int, ...]
    preprocessing: str
    build: Callable[[], "object"]  # () -> uncompiled keras.Model
    load_data: Callable[[Path | None, bool], Dataset]  # (data path or None, quick) -> Dataset
    augment: Callable[[], "object"] | None = None  # () -> keras layer applied to training batches
    image_input: Callable[[np.ndarray], np.ndarray] | None = None  # grey image file -> model input
    draw_task: Callable[[], "object"] | None = None  # () -> ui.drawapp.DrawTask
    epochs: int = 10
    batch_size: int = 128
    learning_rate: float = 1e-3
    patience: int = 5
    loss: str = "sparse_categorical_crossentropy"
    metrics: tuple[str, ...] = ("accuracy",)
    monitor: str = "val_accuracy"  # what early stopping and the best checkpoint follow
    headline: str = "test_accuracy"  # the card metric `mlplay models` shows
    report: Callable[["object", Dataset], dict] | None = None  # (model, data) -> extra card entries
    export: Callable[["object", Path], None] | None = None  # (model, model folder) -> extra files (e.g. numpy weights)
    extra: dict = field(default_factory=dict)
    phases: list[Phase] | None = None  # staged training; None: one phase of `epochs` at `learning_rate`
    pretrained: bool = False  # build(pretrained=…) may load published weights (mlplay train --no-pretrained)

    def make_model(self, data: Dataset, pretrained: bool = True):
        """`build()`; given the data when the model depends on it (e.g. how many labels it has), and `pretrained`
        when it may load published weights."""
        import inspect

        kwargs = {"pretrained": pretrained} if self.pretrained else {}
        return self.build(data, **kwargs) if "data" in inspect.signature(self.build).parameters else self.build(**kwargs)


def _digits():
    from mlplay.digits import digit_models as digits

    return digits.EXPERIMENTS


def _sketches():
    from mlplay.sketches import sketch_models as sketches

    return sketches.EXPERIMENTS


def _summation():
    from mlplay.summation import sum_model as summation

    return summation.EXPERIMENTS


def _text():
    from mlplay.text import text_models as text

    return text.EXPERIMENTS


def _rps():
    from mlplay.rps import rps_models as rps

    return rps.EXPERIMENTS


_FAMILIES = [_digits, _sketches, _summation, _text, _rps]


def all_experiments() -> dict[str, Experiment]:
    found = {}
    for family in _FAMILIES:
        found.update({e.name: e for e in family()})
    return found


def get(name: str) -> Experiment:
    experiments = all_experiments()
    if name not in experiments:
        raise MlplayError(f"unknown model '{name}'", "choose one of: " + ", ".join(sorted(experiments)))
    return experiments[name]
