"""Image classification with a Keras model: aspect-preserving resize + centre crop, batched inference."""

from pathlib import Path

import cv2
import numpy as np

from mlplay.errors import MlplayError

BATCH = 16


def centre_crop(bgr: np.ndarray, size: int) -> np.ndarray:
    """Scale the shorter side to `size` (aspect kept), crop the centre square, return RGB uint8."""
    h, w = bgr.shape[:2]
    scale = size / min(h, w)
    resized = cv2.resize(bgr, (max(size, round(w * scale)), max(size, round(h * scale))),
                         interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR)
    top, left = (resized.shape[0] - size) // 2, (resized.shape[1] - size) // 2
    return cv2.cvtColor(resized[top : top + size, left : left + size], cv2.COLOR_BGR2RGB)


def mobilenet_scale(rgb: np.ndarray) -> np.ndarray:
    """MobileNetV2's own preprocessing: pixels to [-1, 1]."""
    return rgb.astype(np.float32) / 127.5 - 1.0


def top_guesses(probabilities: np.ndarray, labels: list[str], k: int, threshold: float) -> list[tuple[str, float]]:
    """The k best labels whose probability exceeds the threshold (may be empty: "cannot classify")."""
    order = np.argsort(probabilities)[::-1][:k]
    return [(labels[i], float(probabilities[i])) for i in order if probabilities[i] > threshold]


class Classifier:
    """A Keras image classifier with its labels and input convention; `classify(images)` → probabilities."""

    def __init__(self, model, labels: list[str], scale=mobilenet_scale):
        from mlplay.console import tensorflow

        tf = tensorflow()
        self.model, self.labels, self.scale = model, labels, scale
        _, self.height, self.width, self.channels = model.inputs[0].shape
        outputs = model.outputs[0].shape[-1]
        if outputs != len(labels):
            raise MlplayError(f"the model has {outputs} outputs but {len(labels)} labels were given")
        self._run = tf.function(lambda x: model(x, training=False), reduce_retracing=True)

    def prepare(self, bgr: np.ndarray) -> np.ndarray:
        rgb = centre_crop(bgr, self.height) if self.height == self.width else cv2.cvtColor(
            cv2.resize(bgr, (self.width, self.height), interpolation=cv2.INTER_AREA), cv2.COLOR_BGR2RGB)
        if self.channels == 1:
            rgb = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)[..., None]
        return self.scale(rgb)

    def classify(self, images: list[np.ndarray]) -> np.ndarray:
        """Probabilities for each BGR image, in batches."""
        out = []
        for start in range(0, len(images), BATCH):
            batch = np.stack([self.prepare(img) for img in images[start : start + BATCH]])
            out.append(np.asarray(self._run(batch)))
        return np.concatenate(out) if out else np.zeros((0, len(self.labels)), np.float32)


def custom_classifier(path: Path, labels_file: Path | None = None, scale: str = "raw") -> Classifier:
    """Any Keras image classifier: a .keras file, or a folder with model.keras and labels.txt (an mlplay model)."""
    path = Path(path)
    model_file = path / "model.keras" if path.is_dir() else path
    labels_file = labels_file or (path / "labels.txt" if path.is_dir() else path.with_name("labels.txt"))
    if not model_file.exists():
        raise MlplayError(f"no Keras model at {model_file}")
    if not labels_file.exists():
        raise MlplayError(f"no labels file at {labels_file}", "pass --labels FILE with one class name a line")
    from mlplay.console import tensorflow

    tensorflow()
    import keras

    try:
        model = keras.models.load_model(model_file, compile=False)
    except Exception as e:  # noqa: BLE001 - any loader failure is a bad model file for the user
        raise MlplayError(f"cannot load {model_file}: {str(e).splitlines()[0]}") from None
    labels = [line.strip() for line in labels_file.read_text(encoding="utf-8").splitlines() if line.strip()]
    scales = {"raw": lambda x: x.astype(np.float32), "unit": lambda x: x.astype(np.float32) / 255,
              "mobilenet": mobilenet_scale}
    if scale not in scales:
        raise MlplayError(f"unknown scaling '{scale}'", "choose raw (0–255), unit (0–1) or mobilenet (-1–1)")
    return Classifier(model, labels, scales[scale])
