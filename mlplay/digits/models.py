"""Handwritten digits: an MLP and a small CNN that read a digit, or say it is not one.

Both learn eleven labels: the ten digits from MNIST, and "not a digit" from drawings that are not digits (people's
Quick, Draw! drawings, generated letters, signs and scribbles; mlplay/digits/nondigits.py). Beside MNIST's own
pictures they learn MNIST's digits redrawn as pen paths by the window's renderer (mlplay/digits/paths.py), so a
digit drawn with the mouse looks like something they have seen. After training, a temperature fit on validation
calibrates their confidence (mlplay/training/calibrate.py), and an answer is sure when the best digit holds at
least SURE of it (`read`). Their cards add the figures on real handwriting that is not MNIST (mlplay/digits/real.py).
"""

from dataclasses import replace
from functools import partial
from pathlib import Path

import numpy as np

from mlplay.digits import data as mnist
from mlplay.digits.reading import DIGITS, LABELS, NOT_A_DIGIT, SURE, canvas_input, flagged, image_input, read  # noqa: F401
from mlplay.experiment import DataSet, Dataset, Experiment, Family

PREPROCESSING = (
    "grey 28×28, white ink on black, values 0–255 (the model rescales); "
    "ink cropped, scaled into 20×20 keeping aspect, centred by centre of mass (as MNIST was made); strokes drawn "
    "in the window are first drawn with a pen of 12 % of the drawing's size"
)
QUICK_TRAIN, QUICK_TEST = 2000, 500
PATHS_SHARE = 0.37  # MNIST training digits redrawn as pen paths, as a share of them (20,000 of 54,000)
GENERATED_SHARE = 0.185  # generated letters, signs and scribbles, as a share of the MNIST training digits (10,000)
QUICKDRAW_EVERY = 2  # every 2nd Quick, Draw! training drawing of each class (about 21,000)


# Data --------------------------------------------------------------------------------------------------
def load_mnist(path: Path | None, quick: bool) -> Dataset:
    """MNIST alone, ten labels (the training-speed recipes)."""
    arrays = mnist.load(path or mnist.fetch())  # fetched on first use, then cached
    source = f"{path.name} (MNIST format)" if path else mnist.source_label()
    x_train, y_train, x_test, y_test = (arrays[k] for k in ("x_train", "y_train", "x_test", "y_test"))
    if quick:
        x_train, y_train = x_train[:QUICK_TRAIN], y_train[:QUICK_TRAIN]
        x_test, y_test = x_test[:QUICK_TEST], y_test[:QUICK_TEST]
    add_channel = lambda x: x[..., None].astype(np.float32)  # noqa: E731
    return Dataset(add_channel(x_train), y_train.astype(np.int64), add_channel(x_test), y_test.astype(np.int64), source,
                   labels=DIGITS)


def load_data(path: Path | None, quick: bool) -> Dataset:
    """MNIST (validation: 10 % of its training digits, seed 0; test: its test set), the training digits' pen-path
    redrawings, and the non-digits of the eleventh label; the test set stays MNIST's own."""
    from mlplay.digits import nondigits, paths

    base = load_mnist(path, quick)
    x, y = base.x_train[..., 0].astype(np.uint8), base.y_train
    order = np.random.default_rng(0).permutation(len(x))
    n_val = max(1, round(0.1 * len(x)))
    val, train = order[:n_val], order[n_val:]
    n_paths, n_generated = round(PATHS_SHARE * len(train)), round(GENERATED_SHARE * len(train))
    cache = not quick
    drawn = mnist.cached_array(f"paths-v{paths.VERSION}-train", x[train[:n_paths]],
                               lambda: paths.generate(x[train[:n_paths]], seed=0), cache)
    drawn_val = mnist.cached_array(f"paths-v{paths.VERSION}-validation", x[val[: round(PATHS_SHARE * len(val))]],
                                   lambda: paths.generate(x[val[: round(PATHS_SHARE * len(val))]], seed=1), cache)
    made = mnist.cached_array(f"nondigits-v{nondigits.VERSION}-train", n_generated,
                              lambda: nondigits.generate(n_generated, 0, "train"), cache)
    made_val = mnist.cached_array(f"nondigits-v{nondigits.VERSION}-validation", n_generated // 9,
                                  lambda: nondigits.generate(n_generated // 9, 0, "validation"), cache)
    real, real_val, real_source = nondigits.quickdraw_split(fetch=path is None and not quick, quick=quick,
                                                            every=QUICKDRAW_EVERY)
    other = len(LABELS) - 1
    x_train = np.concatenate([x[train], drawn, made, real])
    y_train = np.concatenate([y[train], y[train[:n_paths]], np.full(len(made) + len(real), other)])
    x_val = np.concatenate([x[val], drawn_val, made_val, real_val])
    y_val = np.concatenate([y[val], y[val[: len(drawn_val)]], np.full(len(made_val) + len(real_val), other)])
    source = (f"{base.source}; its training digits redrawn as pen paths ({len(drawn):,}); not a digit: generated "
              f"letters, signs and scribbles v{nondigits.VERSION} ({len(made):,}) and {real_source}")
    meta = {"per_label_train": np.bincount(y_train, minlength=len(LABELS)).tolist(),
            "per_label_validation": np.bincount(y_val, minlength=len(LABELS)).tolist(),
            "validation_split": "10 % of MNIST's training digits (seed 0) and their pen-path redrawings; generated "
                                "non-digits of their own seed; Quick, Draw!'s validation rows (every 10th that is not "
                                "a test row); the test set is MNIST's, untouched",
            "test_split": "MNIST's 10,000 test digits; the cards' real-input figures are on data never trained on"}
    return Dataset(x_train[..., None], y_train.astype(np.int64), base.x_test, base.y_test, source, labels=LABELS,
                   meta=meta, x_val=x_val[..., None], y_val=y_val.astype(np.int64))


def load_test(path: Path | None, quick: bool) -> Dataset:
    """What `mlplay eval` scores: load_data's test split (MNIST's test digits) under the eleven labels, without the
    minutes load_data spends on a training set (20,000 pen-path redrawings, generated non-digits) eval never reads.
    Quick, Draw!'s drawings are fetched as load_data fetches them: the held-out "not a digit" figure reads them."""
    from mlplay.digits import nondigits

    if path is None and not quick:
        nondigits.fetch_quickdraw()
    return replace(load_mnist(path, quick), labels=LABELS)


def augment():
    """Small shifts, rotations and zooms: people do not draw as neatly as MNIST writers."""
    import keras

    return keras.Sequential(
        [
            keras.layers.RandomRotation(0.025, fill_mode="constant"),
            keras.layers.RandomZoom(0.06, fill_mode="constant"),
            keras.layers.RandomTranslation(0.06, 0.06, fill_mode="constant"),
        ],
        name="augment",
    )


# Models ------------------------------------------------------------------------------------------------
def build_mlp(data: Dataset | None = None):
    import keras
    from keras import layers

    inputs = keras.Input((28, 28, 1), name="image")
    x = layers.Rescaling(1 / 255)(inputs)
    x = layers.Flatten()(x)
    for units in (800, 800):
        x = layers.Dense(units, activation="relu")(x)
        x = layers.Dropout(0.3)(x)
    outputs = layers.Dense(_labels(data), activation="softmax", name="probabilities")(x)
    return keras.Model(inputs, outputs, name="digits_mlp")


def _labels(data: Dataset | None) -> int:
    return len(data.labels) if data is not None and data.labels else len(DIGITS)


def _conv(x, filters, size, momentum=0.99, norm=True):
    from keras import layers

    x = layers.Conv2D(filters, size, padding="same", use_bias=not norm)(x)
    if norm:
        x = layers.BatchNormalization(momentum=momentum)(x)
    return layers.ReLU()(x)


def build_cnn(data: Dataset | None = None, momentum=0.99):
    import keras
    from keras import layers

    inputs = keras.Input((28, 28, 1), name="image")
    x = layers.Rescaling(1 / 255)(inputs)
    x = layers.MaxPooling2D()(_conv(x, 32, 5, momentum))
    x = layers.MaxPooling2D()(_conv(x, 64, 3, momentum))
    x = _conv(x, 64, 3, momentum)
    x = layers.Dropout(0.3)(layers.Flatten()(x))
    x = layers.Dropout(0.3)(layers.Dense(128, activation="relu")(x))
    outputs = layers.Dense(_labels(data), activation="softmax", name="probabilities")(x)
    return keras.Model(inputs, outputs, name="digits_cnn")


def build_lean_cnn(channels=(16, 32, 64), dropout=0.2, momentum=0.9, first_norm=True, dense=0):
    """A fraction of the shipped CNN's work per picture (build_cnn): three 3×3 convolutions (16, 32, 64 channels by
    default), no hidden dense layer. Batch norm momentum 0.9: the running statistics catch up within the first epoch,
    so the model scores well from then on (at Keras' 0.99 they still carried much of their initial variance of 1 after
    one epoch at batch 256, and the model scored 25 % on the test set while it was 87 % right on its training batches).
    `first_norm=False`: no batch norm after the first convolution, whose 28×28 maps make it the dearest one
    (about a quarter of a training step for 16-32-64). `dense`: that many ReLU units (and dropout) before the
    output, as in the shipped CNN."""
    import keras
    from keras import layers

    a, b, c = channels
    inputs = keras.Input((28, 28, 1), name="image")
    x = layers.Rescaling(1 / 255)(inputs)
    x = layers.MaxPooling2D()(_conv(x, a, 3, momentum, first_norm))
    x = layers.MaxPooling2D()(_conv(x, b, 3, momentum))
    x = layers.Dropout(dropout)(layers.Flatten()(_conv(x, c, 3, momentum)))
    if dense:
        x = layers.Dropout(dropout)(layers.Dense(dense, activation="relu")(x))
    outputs = layers.Dense(10, activation="softmax", name="probabilities")(x)
    return keras.Model(inputs, outputs, name="digits_cnn")


def build_original_cnn():
    """The original collection's CNN, as its notebook built it: two 5×5 convolutions without padding (8 and 16
    filters, ReLU, variance-scaling initialisation), each followed by 2×2 max pooling, a dense layer of 128 ReLU
    units, dropout 0.2 and the softmax (37,610 weights). It is the anchor the speed bench measures the others by."""
    import keras
    from keras import layers

    inputs = keras.Input((28, 28, 1), name="image")
    x = layers.Rescaling(1 / 255)(inputs)  # the notebook divided the pictures by 255 before training
    for filters in (8, 16):
        x = layers.Conv2D(filters, 5, activation="relu", kernel_initializer="variance_scaling")(x)
        x = layers.MaxPooling2D(2, strides=2)(x)
    x = layers.Dropout(0.2)(layers.Dense(128, activation="relu")(layers.Flatten()(x)))
    outputs = layers.Dense(10, activation="softmax", kernel_initializer="variance_scaling", name="probabilities")(x)
    return keras.Model(inputs, outputs, name="original_cnn")


# The recipes the speed bench compares train on MNIST alone (ten labels), as the original did.
MNIST_ONLY = dict(load_data=load_mnist, load_test=None, labels=DIGITS, calibrate=False, read=None, report=None,
                  rescore=None)

# The original collection's training recipe: Adam at a constant 0.001, batch 32 (Keras' default), 10 epochs, no
# augmentation (its notebook validated on the test set; here, as for every recipe, on a split of the training data).
ORIGINAL_CNN = dict(summary="the original collection's CNN conv5×8→pool→conv5×16→pool→dense128→dropout 0.2, Adam at "
                            "a constant 0.001, 10 epochs, no augmentation",
                    build=build_original_cnn, augment=None, epochs=10, batch_size=32, learning_rate=1e-3,
                    decay=False, patience=10, **MNIST_ONLY)

# The fast recipes (make bench times them against the original's and digits-cnn's): leaner CNNs whose batch norm
# statistics keep up, no augmentation, a one-cycle learning rate. FAST_CNN is the quickest to 99.0 %, FAST_CNN_LONG
# to 99.4 %; on MNIST alone (ten labels). Measured on 2 cores (docs/digits.md: training speed).
FAST_CNN = dict(summary="CNN conv3×12 (no BN)→pool→conv3×24→pool→conv3×48 (BN momentum 0.9, dropout), one-cycle "
                        "learning rate peaking at 0.01 over 2 epochs, no augmentation",
                build=partial(build_lean_cnn, (12, 24, 48), first_norm=False), augment=None, epochs=2, batch_size=256,
                learning_rate=1e-2, warmup=0.15, **MNIST_ONLY)
FAST_CNN_LONG = dict(summary="CNN conv3×16 (no BN)→pool→conv3×32→pool→conv3×64→dense128 (BN momentum 0.9, "
                             "dropout), one-cycle learning rate peaking at 0.015 over 6 epochs, no augmentation",
                     build=partial(build_lean_cnn, (16, 32, 64), first_norm=False, dense=128), augment=None, epochs=6,
                     batch_size=256, learning_rate=1.5e-2, warmup=0.15, **MNIST_ONLY)


def draw_task():
    from mlplay.draw.app import DrawTask
    from mlplay.draw.panels import digit_panel
    from mlplay.paths import datasets_dir

    return DrawTask(title="mlplay - draw digits", prepare=canvas_input, panel=digit_panel,
                    save_dir=datasets_dir() / "digits-mine", read=read,
                    strip=generated_strip)


def generated_strip():
    """g: what a generator draws for the guess, from the package that lends one (dream), or None."""
    from mlplay import registry

    make = registry.lent("digits-strip")
    return make() if make else None


# The cards' figures on data never trained on ----------------------------------------------------------------
def report(model, data: Dataset, card: dict) -> dict:
    from mlplay.digits.figures import report as figures

    return figures(model, data, card)


EXPERIMENTS = []  # filled at the end of the module, once every function is defined


def _experiments():
    common = dict(task="image-classification", labels=LABELS, input_shape=(28, 28, 1), preprocessing=PREPROCESSING,
                  load_data=load_data, load_test=load_test, augment=augment, image_input=image_input, read=read,
                  report=report, calibrate=True, headline="test_accuracy")
    return [
    Experiment(name="digits-mlp", summary="MLP 784→800→800→11, dropout 0.3, augmentation; 10 digits and "
                                          "'not a digit', calibrated", build=build_mlp,
               epochs=40, batch_size=128, learning_rate=1e-3, patience=8, **common),
    Experiment(name="digits-cnn", summary="CNN conv5×32→pool→conv3×64→pool→conv3×64→dense128 (BN, dropout, "
                                          "augmentation); 10 digits and 'not a digit', calibrated",
               build=build_cnn, epochs=16, batch_size=128, learning_rate=2e-3, patience=5, **common),
    ]


EXPERIMENTS.extend(_experiments())
EXPERIMENTS_BY_NAME = {e.name: e for e in EXPERIMENTS}
FAMILY = Family(name="digits", experiments=EXPERIMENTS,
                datasets=(DataSet("mnist", mnist.fetch, mnist.cached, help="MNIST, 70,000 handwritten digits"),
                          DataSet("digits-real", lambda data=None: _real().fetch(data), lambda: _real().cached(),
                                  options=("data",), help="real digits that are not MNIST (USPS, UCI optdigits and "
                                                          "pendigits) for the digit cards: --data DIR holding them")),
                help="digits-mlp, digits-cnn (MNIST, and 'not a digit')")


def _real():
    from mlplay.digits import real

    return real
