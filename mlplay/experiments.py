"""What an experiment tells the training loop (data, model, labels, defaults), and the registry of them:
model name → Experiment, imported lazily (no TensorFlow)."""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from mlplay.errors import MlplayError, closest


@dataclass
class Dataset:
    """Training and held-out test arrays; the loop carves validation out of the training part.

    Data too large for memory comes as a `stream` instead (arrays None): an object with `count(split)` and
    `dataset(split, batch_size, shuffle=False, seed=0, shard=None)` -> tf.data batches, for the splits "train",
    "validation" and "test" (e.g. sketches.sketch_stream.DrawingStream).
    """

    x_train: np.ndarray | None
    y_train: np.ndarray | None
    x_test: np.ndarray | None
    y_test: np.ndarray | None
    source: str
    labels: list[str] | None = None  # when the data decides them (e.g. a text's vocabulary)
    meta: dict = field(default_factory=dict)  # anything else the card should record about the data
    x_val: np.ndarray | None = None  # a validation split chosen by the data (e.g. a contiguous text block);
    y_val: np.ndarray | None = None  # when None the loop carves one at random from the training arrays
    epochs: int | None = None  # when the data decides the epoch count (e.g. a text's length)
    minutes: float | None = None  # when the data decides a wall-time budget instead (the learning rate decays over it)
    stream: object | None = None  # streamed data (see above): the loop uses its splits as they are


@dataclass
class Phase:
    """One stage of a staged training (e.g. a frozen base, then fine-tuning): its own epochs and learning rate.

    `prepare(model)` sets which layers train in this phase; the model is recompiled for each phase.
    `fit(model, (x, y) train, (x, y) validation, epochs, log)`, when given, fits the phase itself instead of model.fit (e.g. a
    new head on features of a frozen base computed once) and returns {monitor: best value, "epochs_run": n}, or None
    when it does not apply to this model (then model.fit runs as usual).
    """

    name: str
    epochs: int
    learning_rate: float
    prepare: Callable[["object"], None] | None = None
    fit: Callable[..., dict | None] | None = None


@dataclass(frozen=True)
class Experiment:
    """One trainable model, all by name: built once by its package, never changed afterwards."""

    name: str
    task: str
    summary: str
    labels: list[str]
    input_shape: tuple[int, ...]
    preprocessing: str
    build: Callable[..., "object"]  # () -> uncompiled keras.Model; (data) when it depends on the data; pretrained=
    load_data: Callable[[Path | None, bool], Dataset]  # (data path or None, quick) -> Dataset
    augment: Callable[[], "object"] | None = None  # () -> keras layer applied to training batches
    image_input: Callable[[np.ndarray], np.ndarray] | None = None  # image file (grey, or BGR: image_colour) -> input
    image_colour: bool = False  # `mlplay predict` hands image_input the colour picture (BGR) instead of grey
    draw_task: Callable[[], "object"] | None = None  # () -> mlplay.digits.drawapp.DrawTask
    epochs: int = 10  # unless the data decides (Dataset.epochs)
    batch_size: int = 128
    learning_rate: float = 1e-3
    warmup: float = 0.0  # > 0: one-cycle, the learning rate rises from learning_rate/25 over this share of the steps
    patience: int = 5
    clipnorm: float | None = None  # clip each gradient to this norm (recurrent models)
    loss: str = "sparse_categorical_crossentropy"
    metrics: tuple[str, ...] = ("accuracy",)
    monitor: str = "val_accuracy"  # what early stopping and the best checkpoint follow
    headline: str = "test_accuracy"  # the card metric `mlplay models` shows
    report: Callable[["object", Dataset], dict] | None = None  # (model, data) -> extra card entries
    export: Callable[["object", Path], None] | None = None  # (model, model folder) -> extra files (e.g. numpy weights)
    phases: list[Phase] | None = None  # staged training; None: one phase of `epochs` at `learning_rate`
    litert: Callable[["object"], bytes] | None = None  # (model) -> the LiteRT file to ship (e.g. quantized); None: float
    keep_keras: bool = True  # False: models/<name>/ holds the LiteRT file only (a size budget), not model.keras
    rescore: Callable[[dict, Path | None, Path | None], tuple[dict, dict]] | None = None  # (card, data, models dir) ->
    # (card metrics, fresh metrics) for `mlplay eval`, when re-scoring needs more than model.keras
    pretrained: bool = False  # build(pretrained=…) may load published weights (mlplay train --no-pretrained)
    generated: bool = False  # it trains on data it generates: `mlplay train --data` does not apply
    default_data: Callable[[], str] | None = None  # it reads --data as a spec of sources (sketches); the default one
    with_classes: Callable[[str, str], str] | None = None  # (spec, --classes) -> the spec with those classes (sketches)

    def make_model(self, data: Dataset, pretrained: bool = True):
        """`build()`; given the data when the model depends on it (e.g. how many labels it has), and `pretrained`
        when it may load published weights."""
        import inspect

        kwargs = {"pretrained": pretrained} if self.pretrained else {}
        return self.build(data, **kwargs) if "data" in inspect.signature(self.build).parameters else self.build(**kwargs)


# The registry: a model name's first word → the module that defines it (only that family is imported) -----------
FAMILIES = {
    "digits": "mlplay.digits.digit_models",
    "sketch": "mlplay.sketches.sketch_models",
    "sum": "mlplay.summation.sum_model",
    "shakespeare": "mlplay.text.text_models",
    "wikipedia": "mlplay.text.text_models",
    "rps": "mlplay.rps.rps_models",
}


def _family(module: str) -> list[Experiment]:
    import importlib

    return importlib.import_module(module).EXPERIMENTS


def all_experiments() -> dict[str, Experiment]:
    found = {}
    for module in dict.fromkeys(FAMILIES.values()):
        found.update({e.name: e for e in _family(module)})
    return found


def get(name: str) -> Experiment:
    module = FAMILIES.get(name.split("-")[0])
    experiments = {e.name: e for e in _family(module)} if module else {}
    if name not in experiments:
        known = all_experiments()  # only on this error path: every family
        guess = closest(name, known)
        raise MlplayError(f"unknown model '{name}'", f"did you mean {guess}?" if guess else
                          "choose one of: " + ", ".join(sorted(known)))
    return experiments[name]


def for_training(name: str, data: Path | None = None, mix: Path | None = None, digits: int | None = None,
                 text_name: str | None = None, classes: str | None = None) -> tuple[Experiment, Path | None]:
    """The experiment `mlplay train NAME` means, with its --data, after the option rules: --digits picks sum-2/3,
    `text` trains a new text model on --data under --name, --mix adds recorded drawings to a sketch model's data,
    --classes picks the QuickDraw classes of a sketch model's data."""
    if digits is not None and name != "sum":
        raise MlplayError(f"--digits is for mlplay train sum, not {name}", "e.g. mlplay train sum --digits 3")
    if text_name is not None and name != "text":
        raise MlplayError(f"--name is for mlplay train text, not {name}",
                          "e.g. mlplay train text --data book.txt --name book")
    if name == "sum":
        name = f"sum-{digits or 2}"
    if name == "text":
        exp = _text_experiment(text_name, data)
    else:
        exp = get(name)
    if data is not None and exp.generated:
        raise MlplayError(f"{name} trains on generated data: --data does not apply")
    if mix is not None:
        if exp.default_data is None:
            raise MlplayError(f"--mix is for the sketch models and rps-hands, not {name}")
        data = Path(f"{data or exp.default_data()},{mix}")
    if classes is not None:
        if exp.with_classes is None:
            raise MlplayError(f"--classes is for the sketch models, not {name}")
        data = Path(exp.with_classes(str(data or exp.default_data()), classes))
    if data is not None and not data.exists() and exp.default_data is None:  # a spec of sources is parsed by it
        raise MlplayError(f"no such data: {data}")
    return exp, data


def _text_experiment(text_name: str | None, data: Path | None) -> Experiment:
    from mlplay.store import model_path
    from mlplay.text import text_models

    if not text_name:
        raise MlplayError("training a text model needs --name NAME", "e.g. mlplay train text --data book.txt --name book")
    model_path(text_name)  # a clear error for a bad name
    if text_name in all_experiments() or text_name in ("sum", "text"):
        raise MlplayError(f"{text_name} is the name of a built-in model", "choose another --name, e.g. book")
    return text_models.custom(text_name, data)
