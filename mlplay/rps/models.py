"""Rock-paper-scissors from a picture of a hand: a small CNN from scratch, and MobileNetV2 transfer learning.

Both read `--data DIR` of rock/, paper/, scissors/ folders (official, recorded with `mlplay camera record rps`, or
synthetic), keep a held-out test split, and say in their card which data the test figure comes from.
"""

from dataclasses import replace
from functools import partial
from pathlib import Path

from mlplay.errors import MlplayError
from mlplay.experiment import DataSet, Dataset, Experiment, Family, Phase, TrainOption, TrainRequest
from mlplay.rps import data as rps_data
from mlplay.rps.game import MOVES
from mlplay.rps.gesture_model import EXPERIMENT as HANDS_EXPERIMENT
from mlplay.rps.mobilenet import (
    FINE_TUNE_FROM,
    GOALS as MOBILENET_GOALS,
    MOBILENET_SIZE,
    build_mobilenet,
    fine_tune_top,
    freeze_base,
    head_on_features,
    mobilenet_report,
    mobilenet_rescore,
    quantized_litert,
)

CNN_SIZE = 96
GOALS = {"rps-cnn": 0.97, **MOBILENET_GOALS}


def _loader(size: int):
    def load_data(path: Path | None, quick: bool) -> Dataset:
        return rps_data.load(path, size, quick)

    return load_data


def _image_input(size: int):
    """`mlplay predict`: a photo (BGR, any size) → the model's input, exactly as in training and in the camera."""
    return lambda bgr: rps_data.to_input(bgr, size)


def augment(gamma: bool = True):
    """Keras preprocessing layers on training batches. Pose and framing: either hand, rotation, zoom, shift.
    Light and skin (the official test hands are other hands, of other skin tones, than the training ones):
    brightness, contrast, gamma (a lighter or darker hand on the same white), saturation, hue, and some pictures
    in grey."""
    import keras
    from keras import layers

    light = [layers.RandomBrightness(0.2, value_range=(0, 255)), layers.RandomContrast(0.3)]
    if gamma:
        light.append(random_gamma(2.0))
    return keras.Sequential([
        layers.RandomFlip("horizontal"),
        layers.RandomRotation(0.1, fill_mode="nearest"),
        layers.RandomZoom((-0.25, 0.2), fill_mode="nearest"),
        layers.RandomTranslation(0.12, 0.12, fill_mode="nearest"),
        *light,
        layers.RandomSaturation((0.2, 0.8)),
        layers.RandomHue(0.08, value_range=(0, 255)),
        layers.RandomGrayscale(0.25),
    ], name="augment")


def random_gamma(limit: float):
    """x → 255·(x/255)^g per picture, log g uniform in ±log(limit): white stays white, the hand gets lighter or
    darker (training batches only)."""
    import keras
    import numpy as np
    import tensorflow as tf

    class RandomGamma(keras.layers.Layer):
        def call(self, x, training=True):
            if not training:
                return x
            g = tf.exp(tf.random.uniform((tf.shape(x)[0], 1, 1, 1), -np.log(limit), np.log(limit)))
            return 255.0 * tf.pow(tf.clip_by_value(x / 255.0, 0.0, 1.0), g)

    return RandomGamma(name="random_gamma")


def build_cnn(grey: bool = False):
    """96×96 RGB in; a 5×5 stride-2 stem and max pooling bring it to 24×24 at once (cheap on a CPU), then 4 conv
    layers (64→192, BN), global pool, dense 3. grey: the model looks at brightness only (mean of R, G, B)."""
    import keras
    from keras import layers

    def conv(x, filters, kernel=3, strides=1):
        x = layers.Conv2D(filters, kernel, strides=strides, padding="same", use_bias=False)(x)
        x = layers.BatchNormalization(momentum=0.9)(x)  # statistics settle within a few epochs of a small set
        return layers.ReLU()(x)

    inputs = keras.Input((CNN_SIZE, CNN_SIZE, 3), name="image")
    x = layers.Rescaling(1 / 255)(inputs)
    if grey:
        x = layers.Conv2D(1, 1, use_bias=False, trainable=False, kernel_initializer=keras.initializers.Constant(1 / 3),
                          name="grey")(x)
    x = layers.MaxPooling2D()(conv(x, 32, 5, 2))  # 24
    x = layers.MaxPooling2D()(conv(x, 64))  # 12
    x = layers.MaxPooling2D()(conv(conv(x, 96), 128))  # 6
    x = conv(x, 192)
    x = layers.GlobalAveragePooling2D()(x)
    x = layers.Dropout(0.3)(x)
    outputs = layers.Dense(3, activation="softmax", name="probabilities")(x)
    return keras.Model(inputs, outputs, name="rps_cnn")


def _report(name: str):
    def report(model, data: Dataset) -> dict:
        official = data.source.startswith(rps_data.OFFICIAL_SOURCE)
        note = (f"goal ≥ {GOALS[name]:.0%} test accuracy on the official test split; "
                + ("this card's test figure IS on the official test split" if official else
                   f"this card's test figure is NOT on the official test split: it is on {data.source}"))
        real = real_photos(model, data)
        figure = {"metrics": {"real_photos_accuracy": real["accuracy"]}} if "accuracy" in real else {}
        return {"data": {"official_test_split": official, "goal": note}, "real_photos": real, **figure}

    return report


def real_photos(model, data: Dataset) -> dict:
    """The model on real photographs of hands (rps-real, never trained on), read the way the camera reads its
    guide box (rps_data.to_input): how far pictures of rendered hands carry to real ones."""
    import numpy as np

    folder = rps_data.real_photos_dir(data.meta.get("folder"))
    if folder is None:
        return {"measured": False, "why": f"no {rps_data.REAL_NAME}/ folder of real photos beside the data folder "
                                          "or in datasets/"}
    x, y = rps_data.load_arrays(rps_data.class_files(folder), int(model.inputs[0].shape[1]))
    guess = model.predict(x, batch_size=128, verbose=0).argmax(axis=1)
    from mlplay.paths import portable

    return {"measured": True, "folder": portable(folder), "source": rps_data.REAL_SOURCE, "images": int(len(y)),
            "accuracy": round(float(np.mean(guess == y)), 6),
            "per_class_accuracy": {m: round(float(np.mean(guess[y == i] == i)), 4) for i, m in enumerate(MOVES)},
            "answers": {m: int(np.sum(guess == i)) for i, m in enumerate(MOVES)}}


def _input_note(size: int, scaling: str) -> str:
    return (f"the guide-box crop (centre square) resized to {size}×{size}, RGB, values 0–255; "
            f"the model {scaling} (mlplay.rps.data.to_input)")


EXPERIMENTS = [
    Experiment(name="rps-cnn", task="image-classification", labels=list(MOVES),
               summary="CNN from scratch: 5×5 stride-2 stem, 4 conv layers (32→192, BN) → global pool → dense 3; "
                       "pose, light and skin-tone augmentation; validation on held-out rendered hands",
               input_shape=(CNN_SIZE, CNN_SIZE, 3), preprocessing=_input_note(CNN_SIZE, "rescales to 0–1"),
               build=build_cnn, load_data=_loader(CNN_SIZE), augment=augment, image_input=_image_input(CNN_SIZE),
               image_colour=True, epochs=12, batch_size=32,
               learning_rate=2e-3, patience=8, report=_report("rps-cnn"), sample_data="rps-cgi"),
    Experiment(name="rps-mobilenet", task="image-classification", labels=list(MOVES),
               summary="torchvision's MobileNetV2 (ImageNet weights, converted) at 128×128 → global pool → "
                       "dense 3: a head on cached features of the frozen base, then fine-tuning of blocks "
                       f"{FINE_TUNE_FROM}–17 and the last convolution; real photos and rendered hands; shipped as "
                       "LiteRT with int8 weights",
               input_shape=(MOBILENET_SIZE, MOBILENET_SIZE, 3),
               preprocessing=_input_note(MOBILENET_SIZE, "normalises them itself: as torchvision's ImageNet models "
                                                         "(RGB / 255 − mean, / std); --no-pretrained: to [-1, 1]"),
               build=build_mobilenet, load_data=lambda path, quick: rps_data.load_mixed(path, MOBILENET_SIZE, quick),
               augment=augment, image_input=_image_input(MOBILENET_SIZE), image_colour=True, batch_size=32,
               patience=3, report=mobilenet_report, pretrained=True, shipped_litert=quantized_litert,
               keep_keras=False, rescore=mobilenet_rescore, sample_data="rps-cgi",
               headline="test_accuracy",
               phases=[Phase(name="head (base frozen)", epochs=60, learning_rate=1e-3, prepare=freeze_base,
                             fit=head_on_features),
                       Phase(name=f"fine-tune (blocks {FINE_TUNE_FROM}+)", epochs=8, learning_rate=1e-4,
                             prepare=fine_tune_top)]),
    HANDS_EXPERIMENT,
    Experiment(name="hands", task="hand-landmarks", headline="",
               summary="MediaPipe palm detection + hand landmarks (lite), LiteRT; the hand pipeline of rps-hands",
               fetch="mlplay data fetch hands"),
]


def resolve(exp: Experiment, request: TrainRequest) -> tuple[Experiment, Path | None]:
    """`--mix DIR` adds your recorded pictures to the data (rps-hands, rps-mobilenet); `--no-pretrained` starts
    rps-mobilenet from random weights instead of ImageNet's."""
    data, options = request.data, request.options
    if options.get("mix") is not None:
        if exp.name == HANDS_EXPERIMENT.name:
            data = Path(f"{data or 'rps-real'},{options['mix']}")
        elif exp.name == "rps-mobilenet":
            data = Path(f"{data or rps_data.default_mixed()},{options['mix']}")
        else:
            raise MlplayError(f"--mix is for rps-hands and rps-mobilenet, not {exp.name}")
    if options.get("no_pretrained"):
        if not exp.pretrained:
            raise MlplayError(f"--no-pretrained is for rps-mobilenet, not {exp.name}")
        exp = replace(exp, build=partial(exp.build, pretrained=False), pretrained=False,
                      summary=exp.summary.replace("(ImageNet weights, converted)", "(random weights: --no-pretrained)"))
    return exp, data


def _datasets() -> tuple[DataSet, ...]:
    from mlplay.rps import hand_fetch, synthetic

    return (DataSet("rps", rps_data.fetch, rps_data.cached, help="the official rock-paper-scissors pictures (CGI)"),
            DataSet("rps-synthetic", synthetic.fetch, synthetic.cached, help="generated cartoon hands (for tests)"),
            DataSet("hands", hand_fetch.fetch, hand_fetch.cached,
                    help="MediaPipe's hand models again, from the mediapipe wheel on PyPI (SHA-256 checked)"))


FAMILY = Family(
    name="rps", experiments=EXPERIMENTS, resolve=resolve, datasets=_datasets(),
    options=(TrainOption("--mix", "rps-hands, rps-mobilenet: add this folder of your recorded pictures to the data.",
                         metavar="DIR"),
             TrainOption("--no-pretrained", "rps-mobilenet: start from random weights, not ImageNet's.",
                         flag_only=True)),
    help="rps-hands (--mix DIR), rps-cnn, rps-mobilenet (--no-pretrained, --mix DIR)")


def train_all(run=None, log=print) -> list[str]:
    """`make train-all` for RPS: train what the available data allows, say what was skipped and why.

    rps-cnn: official data first (fetched if reachable), else the user's recorded pictures; never synthetic pictures.
    rps-mobilenet: the official data and the real photos (datasets/rps-real), from the converted ImageNet weights.
    Returns the models trained.
    """
    import subprocess
    import sys

    from mlplay.errors import MlplayError
    from mlplay.vision import backbone

    run = run or (lambda args: subprocess.run([sys.executable, "-m", "mlplay", *args], check=True))
    data_args, trained = None, []
    try:
        rps_data.fetch(log=log)
        data_args, what = [], "the official data"
    except MlplayError as e:
        log(f"official rock-paper-scissors data unavailable: {e}")
        try:
            rps_data.class_files(rps_data.mine_dir())
            data_args, what = ["--data", str(rps_data.mine_dir())], f"your recorded pictures in {rps_data.mine_dir()}"
        except MlplayError as why:
            log(f"skipped rps-cnn and rps-mobilenet: no real rock-paper-scissors data ({why.message}); "
                f"{rps_data.NO_DATA_HINT}")
            return trained
    log(f"training rps-cnn on {what}")
    run(["train", "rps-cnn", *data_args])
    trained.append("rps-cnn")
    try:
        backbone.fetch(log=log)
    except MlplayError as e:
        log(f"skipped rps-mobilenet: {e.message}; when online: mlplay data fetch mobilenet-v2, or train it from "
            "scratch: mlplay train rps-mobilenet --no-pretrained")
        return trained
    folders = [f for f in (rps_data.cached(), rps_data.real_photos_dir(None), rps_data.mine_dir()) if f and f.is_dir()]
    log(f"training rps-mobilenet on {', '.join(map(str, folders))}")
    run(["train", "rps-mobilenet", "--data", ",".join(map(str, folders))])
    trained.append("rps-mobilenet")
    return trained


if __name__ == "__main__":
    train_all()
