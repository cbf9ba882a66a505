"""The seam between mlplay's core and its experiments: what an experiment package tells the core.

Each package under `mlplay/` (digits, sketches, text, …) declares one `Family` in its `models.py`: the models it
owns (`Experiment`s), the data sets it fetches (`DataSet`s), the extra `mlplay train` options it reads
(`TrainOption`s) and how it resolves names such as `sum --digits 3` (`aliases`). The core (CLI, model store,
training loop, cards, help) reads only these objects, so it never names an experiment; `mlplay/registry.py` lists the
packages, one line each. docs/adding-an-experiment.md walks through a small example.

Nothing here imports TensorFlow: the callables are called only when a command needs them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only for the annotations: `mlplay --help` must not load numpy
    import numpy as np


@dataclass
class Dataset:
    """Training and held-out test arrays; the loop carves validation out of the training part.

    Data too large for memory comes as a `stream` instead (arrays None): an object with `count(split)` and
    `dataset(split, batch_size, shuffle=False, seed=0, shard=None)` -> tf.data batches, for the splits "train",
    "validation" and "test" (e.g. mlplay.sketches.stream.DrawingStream); a stream whose training epoch is not its
    training split once (one that repeats its small classes) also has `epoch_count()`, the drawings an epoch yields.
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
    other_tests: dict = field(default_factory=dict)  # more held-out sets an experiment's report scores, by name:
    # (x, y) arrays (e.g. rps-mobilenet's official CGI test split beside its real photos); never trained on


@dataclass
class Phase:
    """One stage of a staged training (e.g. a frozen base, then fine-tuning): its own epochs and learning rate.

    `prepare(model)` sets which layers train in this phase; the model is recompiled for each phase.
    `fit(model, (x, y) train, (x, y) validation, epochs, log)`, when given, fits the phase itself instead of model.fit
    (e.g. a new head on features of a frozen base, computed once) and returns {monitor: its best value,
    "epochs_run": n, …} for the card, or None when it does not apply to this model (then model.fit runs as usual).
    """

    name: str
    epochs: int
    learning_rate: float
    prepare: Callable[[object], None] | None = None
    fit: Callable[..., dict | None] | None = None


@dataclass(frozen=True)
class Predict:
    """What `mlplay predict NAME FILES…` asks of a model: its files, how many guesses and in which form."""

    name: str
    paths: list[Path]
    top: int = 1
    jsonl: bool = False
    models_root: Path | None = None
    strict: bool = False  # stop at the first bad file instead of skipping it


@dataclass(frozen=True)
class Guess:
    """How a classifier's answer reads: its best label and the next ones, and whether it is sure.

    A model may know what it cannot answer: a digit model says "not a digit" rather than name a digit, a sketch
    model "not sure" when its calibrated top guess is weak. Then `sure` is False, `label` is still its best guess
    and `verdict` is what `mlplay predict` prints instead, e.g. "not a digit (best guess 7, 34 %)"."""

    label: str
    probability: float
    top: list[tuple[str, float]]  # the best answers, most likely first (label and probability)
    sure: bool = True
    verdict: str = ""
    extra: dict = field(default_factory=dict)  # more for a JSON line (e.g. the probability of "not a digit")


@dataclass(frozen=True)
class Try:
    """One way to run a trained model once (`make smoke`): `mlplay ARGS…` with {name}, {models}, {picture} and {video}
    filled in, and `stdin` piped in."""

    args: tuple[str, ...]
    stdin: str | None = None


@dataclass(frozen=True)
class Experiment:
    """One model a user can name. It trains when `build` and `load_data` are given (then the training fields apply);
    a pretrained model that ships ready (a detector, the hand models) has neither, and says how it is fetched."""

    name: str
    task: str
    summary: str
    labels: list[str] = field(default_factory=list)
    input_shape: tuple[int, ...] = ()
    preprocessing: str = ""
    headline: str = "test_accuracy"  # the card metric `mlplay models` shows
    family: str = ""  # the package that declares it (filled in by its Family)
    # Run time: how `mlplay predict` and `mlplay eval` treat it (None: the core's image classifier / Keras re-score)
    image_input: Callable[[np.ndarray], np.ndarray] | None = None  # picture (grey, or BGR: image_colour) -> input
    image_colour: bool = False  # `mlplay predict` hands image_input the colour picture (BGR) instead of grey
    predict_files: Callable[[Predict], None] | None = None  # its own `mlplay predict` (e.g. hands, faces)
    rescore: Callable[[object, Path | None], dict] | None = None  # (store.Model, --data) -> fresh metrics
    read: Callable[[list[str], np.ndarray, int], Guess] | None = None  # (labels, probabilities, top) -> how its
    # answer reads, for `mlplay predict` and the drawing windows; None: the top label, always sure
    fetch: str | None = None  # a shipped pretrained model: the command that gets it again
    folder: str | None = None  # the models/ folder it runs from when that is not its name (emotion: models/faces)
    # Training (see mlplay/training/loop.py)
    build: Callable[..., object] | None = None  # () -> uncompiled keras.Model; (data) when it depends on the data
    load_data: Callable[[Path | None, bool], Dataset] | None = None  # (data path or None, quick) -> Dataset
    load_test: Callable[[Path | None, bool], Dataset] | None = None  # what `mlplay eval` loads when load_data would
    # build a training set it does not need (its test split must be load_data's)
    augment: Callable[[], object] | None = None  # () -> keras layer applied to training batches
    epochs: int = 10  # unless the data decides (Dataset.epochs)
    batch_size: int = 128
    learning_rate: float = 1e-3
    warmup: float = 0.0  # > 0: one-cycle, the learning rate rises from learning_rate/25 over this share of the steps
    decay: bool = True  # False: a constant learning rate (no cosine decay), as in the original collection's notebooks
    patience: int = 5
    clipnorm: float | None = None  # clip each gradient to this norm (recurrent models)
    loss: str | None = "sparse_categorical_crossentropy"  # None: the model trains itself (its own train_step); its
    # held-out figures are then the report's alone
    metrics: tuple[str, ...] = ("accuracy",)
    monitor: str | None = "val_accuracy"  # what early stopping and the best checkpoint follow; None: keep the last
    report: Callable[..., dict] | None = None  # (model, data[, card]) -> extra card entries; `card`: the card so far
    calibrate: bool = False  # fit a softmax temperature on validation and fold it in (mlplay/training/calibrate.py)
    export: Callable[[object, Path], None] | None = None  # (model, model folder) -> extra files (e.g. numpy weights)
    keep: Callable[[object], object] | None = None  # (trained model) -> the model saved and run (a GAN: its generator)
    callbacks: Callable[[Dataset], list] | None = None  # (data) -> Keras callbacks run first at each epoch's end (what
    # they add to the logs is shown, checkpointed and drawn in the learning curves)
    litert: bool = True  # it runs from its LiteRT export (a failed export fails the save); False: numpy weights
    shipped_litert: Callable[[object], bytes] | None = None  # the LiteRT file to ship instead of the float export
    keep_keras: bool = True  # False: the model folder holds its LiteRT file alone, not model.keras (a size budget)
    keep_litert: bool = True  # False: no LiteRT file either (with keep_keras False: a model run by its own numpy
    # code from `export`'s files alone, whose float16 weights are what ships)
    phases: list[Phase] | None = None  # staged training; None: one phase of `epochs` at `learning_rate`
    pretrained: bool = False  # it starts from published weights (its card says so)
    generated: bool = False  # it trains on data it generates: `mlplay train --data` does not apply
    trains: Callable[[Experiment, object], dict] | None = None  # (experiment, TrainConfig) -> card: it trains
    # itself, without the Keras loop (teach: a numpy head on features of pictures); build/load_data are not used
    # make smoke: how a quick model of it is run once, and where a copy of its data lies in the shared test data
    # (when it cannot be fetched from a package registry)
    tries: tuple[Try, ...] = ()
    sample_data: str | None = None

    @property
    def smoke_tries(self) -> tuple[Try, ...]:
        if self.tries or self.image_input is None:
            return self.tries
        return (Try(("predict", "{name}", "{picture}", "--models-dir", "{models}")),)

    @property
    def trainable(self) -> bool:
        return self.trains is not None or (self.build is not None and self.load_data is not None)

    def make_model(self, data: Dataset, pretrained: bool = True):
        """`build()`, given the data when the model depends on it (e.g. how many labels it has); `pretrained=False`
        builds a model that starts from published weights without them (its weights are about to be replaced)."""
        import inspect

        kwargs = {} if pretrained or not self.pretrained else {"pretrained": False}
        wants_data = "data" in inspect.signature(self.build).parameters
        return self.build(data, **kwargs) if wants_data else self.build(**kwargs)


@dataclass(frozen=True)
class TrainOption:
    """An `mlplay train` option that only one family reads, e.g. `--digits 3` for sum or `--mix DIR` for sketches.
    `choices` limits the value; a `flag` takes none (its value is True when given)."""

    flag: str
    help: str
    choices: tuple[str, ...] | None = None
    flag_only: bool = False
    metavar: str = "VALUE"

    @property
    def key(self) -> str:
        return self.flag.lstrip("-").replace("-", "_")


@dataclass(frozen=True)
class TrainRequest:
    """`mlplay train NAME [--data] [--name] [family options]`, as the family's resolver sees it."""

    name: str
    data: Path | None = None
    save_as: str | None = None  # --name
    options: dict = field(default_factory=dict)  # the family's TrainOptions given, by key


@dataclass(frozen=True)
class DataSet:
    """A data set `mlplay data fetch NAME` gets: `fetch(**options)` returns where it lies; `cached()` says where it
    lies already (None: not fetched). `options` names the fetch options it takes (classes, per_class, data)."""

    name: str
    fetch: Callable[..., Path | str]
    cached: Callable[[], Path | None]
    options: tuple[str, ...] = ()
    help: str = ""


@dataclass(frozen=True)
class Family:
    """One experiment package, as the registry sees it.

    - `experiments`: the models it declares by name.
    - `aliases`: train names that are not models but pick or make one from the request: `sum` (+ `--digits`) picks
      sum-2 or sum-3; `text` (+ `--data`, `--name`) makes a new text model.
    - `resolve(experiment, request)`: the experiment and data path that training uses after the family's options
      (e.g. `--mix` adds recordings to the data); None: as they are.
    - `for_card(card)`: the experiment behind a model saved under a name of its own (a text model called `book`).
    - `options`, `datasets`, `help`: its extra train options, its data sets, a line for `mlplay train --help`.
    - `lends`: what it offers other packages by name, without their importing it (dream lends `digits-strip`: the
      generator's versions of a digit under the draw digits window); `registry.lent(name)` finds it.
    """

    name: str
    experiments: list[Experiment]
    aliases: dict[str, Callable[[TrainRequest], Experiment]] = field(default_factory=dict)
    resolve: Callable[[Experiment, TrainRequest], tuple[Experiment, Path | None]] | None = None
    for_card: Callable[[dict], Experiment] | None = None
    options: tuple[TrainOption, ...] = ()
    datasets: tuple[DataSet, ...] = ()
    help: str = ""
    lends: dict[str, Callable] = field(default_factory=dict)

    def __post_init__(self):
        owned = [replace(e, family=self.name) for e in self.experiments]
        object.__setattr__(self, "experiments", owned)
