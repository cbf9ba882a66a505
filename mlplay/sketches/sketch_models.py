"""Sketch recognition: an MLP and a CNN on 28×28 QuickDraw-format bitmaps.

Data (`--data`, comma-separated sources are mixed, their labels merged):
  doodles           generated doodles (16 QuickDraw classes; the default offline)
  quickdraw         the fetched QuickDraw classes (`mlplay data fetch quickdraw`; the default once fetched)
  DIR               a folder of labelled drawings (<label>/<drawing>.png, e.g. `draw sketches --record`),
                    or a folder of QuickDraw `<class>.npy` files
e.g. `--data doodles,datasets/sketches-mine` adds your own drawings to the doodles.
"""

from pathlib import Path

import numpy as np

from mlplay.sketches import doodles
from mlplay.errors import MlplayError
from mlplay.experiments import Dataset, Experiment

PREPROCESSING = (
    "QuickDraw numpy_bitmap format: strokes moved to the top-left and scaled so the longer side spans 0–255, "
    "simplified (RDP ε 2), centred in a 256-unit frame with 16 units of padding, drawn with a 16-unit "
    "anti-aliased pen, 28×28 white on black, values 0–255 (the model rescales)"
)
QUICK_TRAIN, QUICK_TEST = 60, 15  # doodles a class with --quick
QUICK_QUICKDRAW = 300  # QuickDraw drawings a class with --quick


# Data ---------------------------------------------------------------------------------------------------
def _doodles(quick: bool):
    if quick:
        arrays = doodles.load(QUICK_TRAIN, QUICK_TEST, cache=False)
    else:
        arrays = doodles.load()
    n_train, n_test = (QUICK_TRAIN, QUICK_TEST) if quick else (doodles.TRAIN_PER_CLASS, doodles.TEST_PER_CLASS)
    source = f"generated doodles v{doodles.VERSION} ({len(doodles.CLASSES)} classes, {n_train}+{n_test} a class, seed 0)"
    return (*(arrays[k] for k in ("x_train", "y_train", "x_test", "y_test")), list(doodles.CLASSES), source)


def _quickdraw(path: Path | None, quick: bool):
    from mlplay.sketches import quickdraw

    *arrays, labels = quickdraw.load(path, QUICK_QUICKDRAW if quick else None)
    where = path or quickdraw.folder()
    return (*arrays, labels, f"QuickDraw numpy_bitmap ({len(labels)} classes, {where})")


def _drawings(path: Path):
    from mlplay.sketches import drawings

    *arrays, labels = drawings.load(path)
    return (*arrays, labels, f"recorded drawings in {path}")


def _one_source(spec: str, quick: bool):
    from mlplay.sketches import drawings

    if spec == "doodles":
        return _doodles(quick)
    if spec == "quickdraw":
        return _quickdraw(None, quick)
    path = Path(spec)
    if not path.is_dir():
        raise MlplayError(f"no such data: {spec}", "use doodles, quickdraw, or a folder of drawings or .npy files")
    if any(path.glob("*.npy")):
        return _quickdraw(path, quick)
    if drawings.is_drawings_folder(path):
        return _drawings(path)
    raise MlplayError(f"{path} holds neither <label>/<drawing>.png folders nor QuickDraw .npy files")


def default_spec() -> str:
    from mlplay.sketches import quickdraw

    return "quickdraw" if quickdraw.cached() else "doodles"


def load_data(path: Path | None, quick: bool) -> Dataset:
    """Load and mix the sources named by `path` (see the module docstring); labels are merged by name."""
    spec = str(path) if path is not None else default_spec()
    labels: list[str] = []
    parts = {"x_train": [], "y_train": [], "x_test": [], "y_test": []}
    sources = []
    for item in [s.strip() for s in spec.split(",") if s.strip()]:
        x_train, y_train, x_test, y_test, names, source = _one_source(item, quick)
        remap = np.array([_index(labels, name) for name in names], np.int64)
        for key, value in (("x_train", x_train), ("x_test", x_test)):
            parts[key].append(np.asarray(value, np.uint8))
        parts["y_train"].append(remap[y_train])
        parts["y_test"].append(remap[y_test])
        sources.append(source)
    if len(labels) < 2:
        raise MlplayError(f"the data has only {len(labels)} label(s): a classifier needs two or more")
    x_train, y_train, x_test, y_test = (np.concatenate(parts[k]) for k in ("x_train", "y_train", "x_test", "y_test"))
    add_channel = lambda x: x[..., None].astype(np.float32)  # noqa: E731
    counts = np.bincount(y_train, minlength=len(labels)).tolist()
    return Dataset(add_channel(x_train), y_train, add_channel(x_test), y_test, " + ".join(sources), labels=labels,
                   meta={"reload": spec, "per_label_before_validation_split": counts})


def _index(labels: list[str], name: str) -> int:
    if name not in labels:
        labels.append(name)
    return labels.index(name)


# Models -------------------------------------------------------------------------------------------------
def build_mlp(data: Dataset):
    import keras
    from keras import layers

    inputs = keras.Input((28, 28, 1), name="image")
    x = layers.Flatten()(layers.Rescaling(1 / 255)(inputs))
    for units in (384, 192):
        x = layers.Dropout(0.3)(layers.Dense(units, activation="relu")(x))
    outputs = layers.Dense(len(data.labels), activation="softmax", name="probabilities")(x)
    return keras.Model(inputs, outputs, name="sketch_mlp")


def build_cnn(data: Dataset):
    import keras
    from keras import layers

    def conv(x, filters):
        x = layers.Conv2D(filters, 3, padding="same", use_bias=False)(x)
        return layers.ReLU()(layers.BatchNormalization()(x))

    inputs = keras.Input((28, 28, 1), name="image")
    x = layers.Rescaling(1 / 255)(inputs)
    x = layers.MaxPooling2D()(conv(x, 32))
    x = layers.MaxPooling2D()(conv(x, 64))
    x = layers.MaxPooling2D()(conv(x, 96))
    x = layers.Dropout(0.3)(layers.Flatten()(x))
    x = layers.Dropout(0.3)(layers.Dense(128, activation="relu")(x))
    outputs = layers.Dense(len(data.labels), activation="softmax", name="probabilities")(x)
    return keras.Model(inputs, outputs, name="sketch_cnn")


def report(model, data: Dataset) -> dict:
    """Per-label test accuracy and the most frequent confusions, for the card."""
    predicted = np.argmax(model.predict(data.x_test, batch_size=512, verbose=0), axis=1)
    per_label = {}
    for i, label in enumerate(data.labels):
        mask = data.y_test == i
        if mask.any():
            per_label[label] = round(float((predicted[mask] == i).mean()), 4)
    pairs = {}
    for truth, guess in zip(data.y_test[predicted != data.y_test], predicted[predicted != data.y_test]):
        key = f"{data.labels[truth]} → {data.labels[guess]}"
        pairs[key] = pairs.get(key, 0) + 1
    worst = dict(sorted(pairs.items(), key=lambda kv: -kv[1])[:8])
    return {"test_per_label_accuracy": per_label, "test_confusions": worst}


# The drawing window -------------------------------------------------------------------------------------
def canvas_input(canvas) -> np.ndarray:
    """The canvas's strokes rendered exactly as the training bitmaps were (sketch_render.render)."""
    from mlplay.sketches.sketch_render import render

    return render(canvas.strokes)[..., None].astype(np.float32)


def image_input(grey: np.ndarray) -> np.ndarray:
    """A picture of a sketch (any polarity) → cropped to the ink, scaled to fit, centred."""
    from mlplay.sketches.sketch_render import fit_image
    from mlplay.imageio import as_white_on_black

    return fit_image(as_white_on_black(grey))[..., None].astype(np.float32)


def draw_task():
    from mlplay.paths import datasets_dir
    from mlplay.digits.drawapp import DrawTask

    return DrawTask(title="mlplay - draw sketches", prepare=canvas_input, panel="sketch",
                    save_dir=datasets_dir() / "sketches-mine", thickness=8)


def _experiments():
    common = dict(task="image-classification", labels=list(doodles.CLASSES), input_shape=(28, 28, 1),
                  preprocessing=PREPROCESSING, load_data=load_data, image_input=image_input, draw_task=draw_task,
                  report=report, default_data=default_spec)
    return [
        Experiment(name="sketch-mlp", summary="MLP 784→384→192→labels, dropout 0.3", build=build_mlp,
                   epochs=20, batch_size=128, learning_rate=1e-3, patience=5, **common),
        Experiment(name="sketch-cnn", summary="CNN conv3×32→pool→conv3×64→pool→conv3×96→pool→dense128 (BN, dropout)",
                   build=build_cnn, epochs=8, batch_size=128, learning_rate=2e-3, patience=3, **common),
    ]


EXPERIMENTS = _experiments()
