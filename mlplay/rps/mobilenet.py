"""rps-mobilenet's own parts: torchvision's ImageNet MobileNetV2 (converted, mlplay/vision/backbone.py) at 128 px, a
head trained on cached features of the frozen base, then fine-tuning of its top blocks; shipped as int8 LiteRT, whose
figures the card gives beside the float model's."""

from pathlib import Path

import numpy as np

from mlplay.errors import MlplayError
from mlplay.experiment import Dataset
from mlplay.rps import data as rps_data

MOBILENET_SIZE = 128  # pixels a side
GOALS = {"rps-mobilenet": 0.98, "rps-mobilenet-official": 0.97}
FINE_TUNE_FROM = 10  # MobileNetV2 blocks from this one on (of 17), and the last convolution, are fine-tuned


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
