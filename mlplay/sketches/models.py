"""Sketch recognition: an MLP and a CNN on 28×28 QuickDraw-format bitmaps.

The data (`--data`: generated doodles, fetched QuickDraw classes, folders of drawings, mixed) is read by
sketch_data and streamed by sketch_stream, so the same code trains on six classes or on all 345.
"""

from pathlib import Path

import numpy as np

from mlplay.experiment import Dataset, Experiment, Family, TrainOption, TrainRequest
from mlplay.sketches import doodles
from mlplay.sketches.data import default_spec, load_data, with_classes

PREPROCESSING = (
    "QuickDraw numpy_bitmap format: strokes moved to the top-left and scaled so the longer side spans 0–255, "
    "simplified (RDP ε 2), centred in the 256-unit frame with a 24-unit margin on each side (28/304 scale), drawn "
    "with a 16-unit anti-aliased pen (about 1.5 px), 28×28 white on black, values 0–255 (the model rescales)"
)


# Models -------------------------------------------------------------------------------------------------
def build_mlp(data: Dataset):
    import keras
    from keras import layers

    inputs = keras.Input((28, 28, 1), name="image")
    x = layers.Flatten()(layers.Rescaling(1 / 255)(inputs))
    for units in (512, 256):
        x = layers.Dropout(0.4)(layers.Dense(units, activation="relu")(x))
    outputs = layers.Dense(len(data.labels), activation="softmax", name="probabilities")(x)
    return keras.Model(inputs, outputs, name="sketch_mlp")


def build_cnn(data: Dataset):
    import keras
    from keras import layers

    def conv(x, filters):
        x = layers.Conv2D(filters, 3, padding="same", use_bias=False)(x)
        return layers.ReLU()(layers.BatchNormalization(momentum=0.9)(x))  # statistics that keep up (digit_models)

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
    """Per-label test accuracy, the most frequent confusions and, for mixed data, each source's test accuracy
    (real QuickDraw drawings apart from generated doodles), all judged against the full label set."""
    stream = data.stream
    truth, sources = stream.targets("test"), stream.sources("test")
    predicted = np.argmax(model.predict(stream.dataset("test", 512), verbose=0), axis=1)
    right = predicted == truth
    per_label = {label: round(float(right[truth == i].mean()), 4)
                 for i, label in enumerate(data.labels) if (truth == i).any()}
    pairs = {}
    for t, p in zip(truth[~right], predicted[~right]):
        key = f"{data.labels[t]} → {data.labels[p]}"
        pairs[key] = pairs.get(key, 0) + 1
    worst = dict(sorted(pairs.items(), key=lambda kv: -kv[1])[:8])
    out = {"test_per_label_accuracy": per_label, "test_confusions": worst}
    names = sorted(set(sources))
    if len(names) > 1:
        out["metrics"] = {f"test_accuracy_{name}": round(float(right[sources == name].mean()), 6) for name in names}
        out["test_by_source"] = {name: {"drawings": int((sources == name).sum()), "per_label_accuracy": {
            label: round(float(right[(sources == name) & (truth == i)].mean()), 4)
            for i, label in enumerate(data.labels) if ((sources == name) & (truth == i)).any()}} for name in names}
    return out


# The drawing window -------------------------------------------------------------------------------------
def canvas_input(canvas) -> np.ndarray:
    """The canvas's strokes rendered exactly as the training bitmaps were (sketch_render.render)."""
    from mlplay.sketches.render import render

    return render(canvas.strokes)[..., None].astype(np.float32)


def image_input(grey: np.ndarray) -> np.ndarray:
    """A picture of a sketch (any polarity) → cropped to the ink, scaled to fit, centred; a 28×28 picture is taken
    as a bitmap in QuickDraw's format already (e.g. one saved from the data set or by the drawing window)."""
    from mlplay.imageio import as_white_on_black
    from mlplay.sketches.render import SIZE, fit_image

    grey = as_white_on_black(grey)
    return (grey if grey.shape == (SIZE, SIZE) else fit_image(grey))[..., None].astype(np.float32)


def draw_task():
    from mlplay.draw.app import DrawTask
    from mlplay.draw.panels import sketch_panel
    from mlplay.paths import datasets_dir

    return DrawTask(title="mlplay - draw sketches", prepare=canvas_input, panel=sketch_panel,
                    save_dir=datasets_dir() / "sketches-mine", thickness=8)


def _experiments():
    common = dict(task="image-classification", labels=list(doodles.CLASSES), input_shape=(28, 28, 1),
                  preprocessing=PREPROCESSING, load_data=load_data, image_input=image_input, report=report,
                  headline="test_accuracy_quickdraw")  # real people's drawings, not the generated doodles
    return [
        Experiment(name="sketch-mlp", summary="MLP 784→512→256→labels, dropout 0.4", build=build_mlp,
                   epochs=30, batch_size=128, learning_rate=1e-3, patience=6, **common),
        Experiment(name="sketch-cnn", summary="CNN conv3×32→pool→conv3×64→pool→conv3×96→pool→dense128 (BN, dropout)",
                   build=build_cnn, epochs=8, batch_size=128, learning_rate=2e-3, warmup=0.15, patience=3, **common),
    ]


def resolve(exp: Experiment, request: TrainRequest) -> tuple[Experiment, Path | None]:
    """`--data` is a spec of sources (see mlplay/sketches/data.py); `--mix DIR` adds your recorded drawings to it and
    `--classes a,b` picks the QuickDraw classes of its QuickDraw sources."""
    spec = str(request.data) if request.data is not None else None
    if request.options.get("mix") is not None:
        spec = f"{spec or default_spec()},{request.options['mix']}"
    if request.options.get("classes") is not None:
        spec = with_classes(spec or default_spec(), request.options["classes"])
    return exp, None if spec is None else Path(spec)


def _datasets():
    from mlplay.experiment import DataSet
    from mlplay.sketches import quickdraw

    def fetch_quickdraw(classes=None, per_class=None):
        names = quickdraw.parse_classes(classes) if classes else list(doodles.CLASSES)
        return quickdraw.fetch(names, per_class or quickdraw.DEFAULT_PER_CLASS)

    return (DataSet("quickdraw", fetch_quickdraw, quickdraw.cached, options=("classes", "per_class"),
                    help="Quick, Draw! bitmaps of the classes named (--classes a,b or all; --per-class N)"),
            DataSet("doodles", doodles.fetch, doodles.cached, help="the generated doodles"))


EXPERIMENTS = _experiments()
FAMILY = Family(
    name="sketches", experiments=EXPERIMENTS, resolve=resolve, datasets=_datasets(),
    options=(TrainOption("--mix", "sketch models: add this folder of your recorded drawings to the data.",
                         metavar="DIR"),
             TrainOption("--classes", "sketch models: the QuickDraw classes to train on, comma-separated, or all.",
                         metavar="A,B")),
    help="sketch-mlp, sketch-cnn (--classes a,b; --mix DIR; --data: a spec of sources, see docs/sketches.md)")
