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

CNN_SIZE, MOBILENET_SIZE = 96, 128
FINE_TUNE_FROM = 10  # MobileNetV2 blocks from this one on (of 17), and the last convolution, are fine-tuned
GOALS = {"rps-cnn": 0.97, "rps-mobilenet": 0.98, "rps-mobilenet-official": 0.97}


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


def build_mobilenet(pretrained: bool = True):
    """MobileNetV2 (α 1.0) at 128×128, then a 3-way head. Pretrained: torchvision's ImageNet weights converted by
    `mlplay data fetch mobilenet-v2` (mlplay.vision.backbone), which normalise RGB 0–255 themselves; from scratch
    (--no-pretrained): keras.applications' MobileNetV2 with random weights and its [-1, 1] scaling."""
    import keras
    from keras import layers

    inputs = keras.Input((MOBILENET_SIZE, MOBILENET_SIZE, 3), name="image")
    if pretrained:
        base = imagenet_base()
        x = base(inputs, training=False)  # keep its batch-norm statistics, also while fine-tuning
    else:
        base = keras.applications.MobileNetV2(input_shape=(MOBILENET_SIZE, MOBILENET_SIZE, 3), include_top=False,
                                              weights=None, alpha=1.0, name="mobilenetv2_scratch")
        x = base(layers.Rescaling(1 / 127.5, offset=-1.0, name="to_minus1_1")(inputs))
    x = layers.GlobalAveragePooling2D(name="features")(x)
    x = layers.Dropout(0.2, name="head_dropout")(x)
    outputs = layers.Dense(3, activation="softmax", name="probabilities")(x)
    return keras.Model(inputs, outputs, name="rps_mobilenet")


def imagenet_base():
    """The converted ImageNet MobileNetV2's convolutional part at 128×128 (`mlplay data fetch mobilenet-v2` first:
    fetched here when it is not cached)."""
    from mlplay.errors import MlplayError
    from mlplay.vision import backbone

    try:
        if not backbone.cached():
            backbone.fetch()
        return backbone.keras_base(MOBILENET_SIZE, name="mobilenetv2_imagenet")
    except MlplayError as e:
        raise MlplayError(e.message, "connect and run: mlplay data fetch mobilenet-v2; or train from scratch: "
                                     "mlplay train rps-mobilenet --no-pretrained") from None


def _base(model):
    return next(layer for layer in model.layers if layer.name.startswith("mobilenetv2"))


def freeze_base(model) -> None:
    """Phase 1: only the new head learns (a randomly initialised base, --no-pretrained, learns too)."""
    base = _base(model)
    base.trainable = base.name.endswith("scratch")


def fine_tune_top(model) -> None:
    """Phase 2: the top blocks of the base learn too, at a low learning rate (all of it when trained from scratch)."""
    base = _base(model)
    base.trainable = True
    if base.name.endswith("imagenet"):
        top = tuple(f"block{i}_" for i in range(FINE_TUNE_FROM, 18)) + ("head",)
        for layer in base.layers:
            layer.trainable = layer.name.startswith(top)


def head_on_features(model, train, validation, epochs: int, log) -> dict | None:
    """Phase 1 with the ImageNet base: its features are computed once for every picture (the base is frozen, so
    they never change), then the head (dropout, dense 3) learns from them in seconds. Not for a base from scratch,
    which learns in this phase too (None: fitted as usual)."""
    import keras

    if not _base(model).name.endswith("imagenet"):
        return None
    extractor = keras.Model(model.inputs, model.get_layer("features").output)
    features = [extractor.predict(x.astype("float32"), batch_size=64, verbose=0) for x, _ in (train, validation)]
    log(f"head on cached features: {len(features[0])} training, {len(features[1])} validation pictures")
    head_in = keras.Input(features[0].shape[1:])
    head = keras.Model(head_in, model.get_layer("probabilities")(model.get_layer("head_dropout")(head_in)))
    head.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    stop = keras.callbacks.EarlyStopping("val_accuracy", patience=10, mode="max", restore_best_weights=True)
    history = head.fit(features[0], train[1], validation_data=(features[1], validation[1]), epochs=epochs,
                       batch_size=32, callbacks=[stop], verbose=0, shuffle=True)
    best = max(history.history["val_accuracy"])
    log(f"head: best validation accuracy {best:.4f} after {len(history.history['val_accuracy'])} epochs")
    return {"val_accuracy": best, "epochs_run": len(history.history["val_accuracy"]), "on_cached_features": True}


def quantized_litert(model) -> bytes:
    """The LiteRT file shipped for rps-mobilenet: dynamic-range quantization (weights int8, activations float),
    about a quarter of the float size. The last conversion is kept, so the card's figures and the saved file are
    the same bytes."""
    import contextlib
    import hashlib
    import io

    import tensorflow as tf

    from mlplay.console import quiet_stderr

    digest = hashlib.sha256()
    for w in model.weights:
        digest.update(w.numpy().tobytes())
    key = (id(model), digest.hexdigest())
    if _QUANTIZED.get("key") != key:
        converter = tf.lite.TFLiteConverter.from_keras_model(model)
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
        with contextlib.redirect_stdout(io.StringIO()), quiet_stderr():
            _QUANTIZED.update(key=key, bytes=converter.convert())
    return _QUANTIZED["bytes"]


_QUANTIZED: dict = {}


def litert_scores(content: bytes, x, y) -> dict:
    """Accuracy and cross-entropy of a LiteRT model (bytes) on pictures x (uint8 RGB) with labels y."""
    import numpy as np
    from ai_edge_litert.interpreter import Interpreter

    from mlplay.console import quiet_stderr

    with quiet_stderr():
        interpreter = Interpreter(model_content=content, num_threads=2)
        interpreter.allocate_tensors()
    (inp,), (out,) = interpreter.get_input_details(), interpreter.get_output_details()
    p = np.zeros((len(y), 3), np.float64)
    for i, picture in enumerate(x):
        interpreter.set_tensor(inp["index"], picture[None].astype(np.float32))
        interpreter.invoke()
        p[i] = interpreter.get_tensor(out["index"])[0]
    return {"accuracy": round(float(np.mean(p.argmax(axis=1) == y)), 6),
            "loss": round(float(np.mean(-np.log(np.clip(p[np.arange(len(y)), y], 1e-7, 1)))), 6)}


def _shipped_figures(content: bytes, data: Dataset, official) -> dict:
    """The card's metrics, all measured on the LiteRT file that ships, so `mlplay eval` can measure them again."""
    test = litert_scores(content, data.x_test, data.y_test)
    figures = {"test_accuracy": test["accuracy"], "test_loss": test["loss"]}
    if official is not None:
        figures["official_test_accuracy"] = litert_scores(content, *official)["accuracy"]
    return figures


def mobilenet_report(model, data: Dataset) -> dict:
    """rps-mobilenet's card: the held-out real photos and the official CGI test split, measured on the int8 LiteRT
    file it ships (its metrics) and on the float Keras model it came from (float_model)."""
    import numpy as np

    official = data.other_tests.get("official")
    content = quantized_litert(model)
    float_figures = {f"test_{k}": round(float(v), 6) for k, v in
                     model.evaluate(data.x_test.astype("float32"), data.y_test, verbose=0, return_dict=True).items()}
    if official is not None:
        guess = model.predict(official[0].astype("float32"), batch_size=128, verbose=0).argmax(axis=1)
        float_figures["official_test_accuracy"] = round(float(np.mean(guess == official[1])), 6)
    card = {"metrics": _shipped_figures(content, data, official), "float_model": float_figures,
            "litert": {"bytes": len(content), "quantization": "dynamic range (weights int8, activations float)"},
            "data": {"goal": f"≥ {GOALS['rps-mobilenet']:.0%} on the held-out real photos, ≥ "
                             f"{GOALS['rps-mobilenet-official']:.0%} on the official test split",
                     "test": data.meta.get("test_is", "")}}
    if _base(model).name.endswith("scratch"):
        card["weights"] = ("trained from scratch (--no-pretrained): the ImageNet weights this model is designed "
                           "to start from were not used")
    else:
        from mlplay.vision import backbone

        meta = backbone.card()
        card["weights"] = {"from": "torchvision's MobileNetV2 ImageNet weights (mlplay data fetch mobilenet-v2)",
                           "licence": meta["licence"], "weights_digest": meta["conversion"]["weights_digest"]}
    return card


def mobilenet_rescore(model, data: Path | None) -> dict:
    """`mlplay eval rps-mobilenet`: the shipped LiteRT file on the held-out pictures again (its card's data, or
    --data)."""
    from mlplay.paths import from_portable
    from mlplay.store import LITERT_FILE

    reload = model.card.raw.get("data", {}).get("reload")
    if data is None and not reload:
        raise MlplayError(f"{model.name} was trained on data outside the project: give it again with --data",
                          "e.g. mlplay eval rps-mobilenet --data ../shared/data/rps-cgi,../shared/data/rps-real")
    spec = str(data) if data else ",".join(str(from_portable(p)) for p in reload.split(","))
    dataset = rps_data.load_mixed(spec, MOBILENET_SIZE, model.card.quick)
    return _shipped_figures(model.file(LITERT_FILE).read_bytes(), dataset, dataset.other_tests.get("official"))


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
               headline="litert_test_accuracy",
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
