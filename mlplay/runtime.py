"""Fast one-sample inference: the LiteRT export when present (no TensorFlow import), else a tf.function;
and `LiteModel`, any .tflite file read through its tensors' quantization (the shipped uint8 vision models).

Never `model.predict` per sample: it rebuilds a data pipeline each call (~60 ms here vs ~0.06 ms).
"""

import os
import sys
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from mlplay import store
from mlplay.errors import MlplayError


class Predictor:
    """`predictor(x)` → probabilities for one sample `x` shaped like the model's input (no batch axis)."""

    def __init__(self, name: str, root: Path | None = None, threads: int = 2, backend: str = "auto"):
        folder = store.model_path(name, root)
        litert = folder / store.LITERT_FILE
        use_litert = backend in ("auto", "litert") and litert.exists()
        self.card = store.load_card(name, root, check=(store.LITERT_FILE if use_litert else store.KERAS_FILE,))
        self.labels = self.card.get("labels", [])  # only the file it opens is hashed: model.keras can be large
        if use_litert:
            with store.opening(name, litert.name, root):
                self.backend, self._run = "litert", _litert_runner(litert, threads)
        else:
            with store.opening(name, store.KERAS_FILE, root):
                self.backend, self._run = "tensorflow", _tf_runner(folder / store.KERAS_FILE)

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return self._run(np.asarray(x, np.float32)[None])[0]

    def top(self, probabilities: np.ndarray, k: int = 1) -> list[tuple[str, float]]:
        order = np.argsort(probabilities)[::-1][:k]
        return [(self.labels[i] if i < len(self.labels) else str(i), float(probabilities[i])) for i in order]


def _litert_runner(path: Path, threads: int):
    from ai_edge_litert.interpreter import Interpreter

    with quiet_stderr():  # LiteRT announces its XNNPACK delegate on stderr
        interpreter = Interpreter(model_path=str(path), num_threads=threads)
        interpreter.allocate_tensors()
        (inp,), (out,) = interpreter.get_input_details(), interpreter.get_output_details()
        interpreter.invoke()

    def run(batch: np.ndarray) -> np.ndarray:
        interpreter.set_tensor(inp["index"], batch)
        interpreter.invoke()
        return interpreter.get_tensor(out["index"])

    return run


class LiteModel:
    """A .tflite file in the LiteRT interpreter: `run(*inputs)` → outputs as real values (dequantized).

    Refuses, in one line, a missing file, one whose SHA-256 differs from the expected one (damaged or replaced)
    and one the interpreter cannot read.
    """

    def __init__(self, path: Path, threads: int = 2, sha256: str | None = None, hint: str | None = None):
        from ai_edge_litert.interpreter import Interpreter

        from mlplay.download import sha256_file

        path = Path(path)
        if not path.is_file():
            raise MlplayError(f"no model file {path}", hint)
        if sha256 and sha256_file(path) != sha256:
            raise MlplayError(f"{path} is damaged: its SHA-256 is not the one its card records", hint)
        try:
            with quiet_stderr():  # LiteRT announces its XNNPACK delegate on stderr
                self.interpreter = Interpreter(model_path=str(path), num_threads=threads)
                self.interpreter.allocate_tensors()
        except (ValueError, RuntimeError) as e:
            raise MlplayError(f"cannot load {path}: {str(e).strip().splitlines()[0]}", hint) from None
        self.path = path
        self.inputs = self.interpreter.get_input_details()
        self.outputs = self.interpreter.get_output_details()

    def run(self, *arrays: np.ndarray) -> list[np.ndarray]:
        """Set each input (already in its tensor's dtype, e.g. through `pixel_table`), invoke, read the outputs."""
        for detail, array in zip(self.inputs, arrays):
            self.interpreter.set_tensor(detail["index"], array)
        self.interpreter.invoke()
        return [dequantize(self.interpreter.get_tensor(d["index"]), d) for d in self.outputs]


def quantize(real: np.ndarray, detail: dict) -> np.ndarray:
    """Real values → the tensor's integers: q = round(real / scale) + zero point, clipped to the dtype's range."""
    dtype = np.dtype(detail["dtype"])
    scale, zero = detail["quantization"]
    if not scale or dtype.kind == "f":
        return np.asarray(real, dtype)
    info = np.iinfo(dtype)
    return np.clip(np.round(np.asarray(real, np.float64) / scale) + zero, info.min, info.max).astype(dtype)


def dequantize(values: np.ndarray, detail: dict) -> np.ndarray:
    """The tensor's integers → real values: scale × (q − zero point); float tensors are copied as they are."""
    scale, zero = detail["quantization"]
    if not scale:
        return np.array(values, np.float32)
    return (scale * (values.astype(np.float32) - zero)).astype(np.float32)


def pixel_table(detail: dict, mean: float, std: float) -> np.ndarray:
    """What each 8-bit pixel value becomes at the input: (pixel − mean) / std, quantized for an integer tensor.

    A 256-entry table, so a frame is prepared by one lookup instead of float arithmetic per pixel.
    """
    return quantize((np.arange(256, dtype=np.float64) - mean) / std, detail)


def _tf_runner(path: Path):
    tf = tensorflow()
    import keras

    model = keras.models.load_model(path, compile=False)
    step = tf.function(lambda x: model(x, training=False), reduce_retracing=True)
    return lambda batch: step(tf.constant(batch)).numpy()


@contextmanager
def quiet_stderr():
    """Silence C++ libraries that write to file descriptor 2 (TensorFlow's CUDA probing, LiteRT's INFO lines)."""
    sys.stderr.flush()
    saved, devnull = os.dup(2), os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def tensorflow():
    """Import TensorFlow once, with its C++ start-up chatter hidden: the wheel probes for CUDA and logs through absl
    before TF_CPP_MIN_LOG_LEVEL applies, so only file descriptor 2 is silenced while importing and probing."""
    if "tensorflow" not in sys.modules:
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        with quiet_stderr():
            import keras  # noqa: F401
            import tensorflow as tf

            tf.config.list_physical_devices()
    return sys.modules["tensorflow"]


def predict_images(name: str, images: list[Path], top: int, jsonl: bool, models_dir: Path | None) -> None:
    """`mlplay predict`: one line (or JSON object) a readable image; a bad one is reported and the rest go on, then
    one error if any was bad (as classify and detect do)."""
    import json

    from mlplay import experiments
    from mlplay.errors import MlplayError
    from mlplay.imageio import Batch, read_bgr, read_grey

    if name == "rps-hands":  # pictures → hand landmarks → gesture, `none` when no hand
        from mlplay.rps.gesture_model import predict_photos

        predict_photos(images, top, jsonl, models_dir)
        return
    from mlplay.teach import models as taught

    if taught.taught_card(name, models_dir):  # a model taught with camera teach / train teach: BGR photos in
        predictor, image_input, colour = taught.Taught(name, models_dir), None, True
    else:
        exp = experiments.get(name)
        if exp.image_input is None:
            raise MlplayError(f"{name} does not take images")
        predictor, image_input, colour = Predictor(name, models_dir), exp.image_input, exp.image_colour
    batch = Batch(images, read_bgr if colour else read_grey)
    for path, picture in batch:
        guesses = predictor.top(predictor(image_input(picture) if image_input else picture), top)
        if jsonl:
            print(json.dumps({"image": str(path), "label": guesses[0][0], "probability": round(guesses[0][1], 4),
                              "top": [[label, round(p, 4)] for label, p in guesses]}))
        else:
            print(f"{path}: " + ", ".join(f"{label} {p:.3f}" for label, p in guesses))
    batch.done()
