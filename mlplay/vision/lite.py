"""The shipped uint8 LiteRT models as a classifier and a detector, prepared as their cards say (no TensorFlow).

Each card's `input` records how the model was trained to see a picture: the crop and resize (see
mlplay/vision/preparation.py), the colour order and the normalisation (pixel − mean) / std. Integer inputs and
outputs are read through each tensor's scale and zero point.
"""

from pathlib import Path

import numpy as np

from mlplay.errors import MlplayError
from mlplay.imageio import MIN_SIDE
from mlplay.litert import LiteModel, pixel_table
from mlplay.store import Model
from mlplay.vision import preparation
from mlplay.vision.boxes import Detection, select


class LitePicture:
    """Turns a BGR picture into the model's input tensor, as its card's `input` says (mlplay/vision/preparation.py)."""

    def __init__(self, model: LiteModel, spec: dict, hint: str):
        detail = model.inputs[0]
        _, self.height, self.width, channels = detail["shape"]
        if channels != 3 or spec.get("colour") != "RGB":
            raise MlplayError(f"{model.path}: the card's input ({spec}) is not an RGB picture this code can prepare",
                              hint)
        preparation.check(spec)
        self.spec = spec
        self.table = pixel_table(detail, spec["normalise"]["mean"], spec["normalise"]["std"])

    def __call__(self, bgr: np.ndarray) -> np.ndarray:
        if min(bgr.shape[:2]) < MIN_SIDE:
            raise MlplayError(f"the picture is too small ({bgr.shape[1]}×{bgr.shape[0]} pixels)",
                              f"give one at least {MIN_SIDE}×{MIN_SIDE}")
        return self.table[preparation.prepare(bgr, self.width, self.height, self.spec)][None]


def display_name(label: str) -> str:
    """"tabby, tabby cat" → "tabby": the first of a label's synonyms, as the Keras class index names it."""
    return label.split(",")[0].strip()


class LiteClassifier:
    """An image classifier: `classify(images)` → probabilities per image, over `labels`."""

    def __init__(self, model: Model, threads: int = 2, hint: str | None = None):
        self.model = model.litert(threads=threads)
        self.prepare = LitePicture(self.model, model.card.raw["input"], hint)
        self.labels = [display_name(label) for label in model.labels]
        outputs = int(self.model.outputs[0]["shape"][-1])
        if outputs != len(self.labels):
            raise MlplayError(f"the model has {outputs} outputs but its card lists {len(self.labels)} labels", hint)

    def classify(self, images: list[np.ndarray]) -> np.ndarray:
        """Probabilities for each BGR image (one at a time: the file's batch size is 1)."""
        out = np.zeros((len(images), len(self.labels)), np.float32)
        for i, image in enumerate(images):
            out[i] = self.model.run(self.prepare(image))[0][0]
        return out


class LiteDetector:
    """An SSD with TFLite_Detection_PostProcess outputs: `detector(bgr, min_score, only)` → detections.

    The outputs are boxes [1, N, 4] (ymin, xmin, ymax, xmax, 0–1), classes [1, N] counted from 0 for the first
    real line of the label map (whose line 0 is "???": class k is line k + 1), scores [1, N] and the count [1].
    """

    OUTPUTS = ("boxes", "classes", "scores", "count")

    def __init__(self, model: Model, threads: int = 2, hint: str | None = None):
        self.model = model.litert(threads=threads)
        self.prepare = LitePicture(self.model, model.card.raw["input"], hint)
        self.labels = {line: name for line, name in enumerate(model.labels) if name != "???"}
        names = [d["name"] for d in self.model.outputs]
        base = min(names, key=len)
        order = {base: 0, **{f"{base}:{i}": i for i in range(1, 4)}}
        if len(names) != 4 or set(names) != set(order):
            raise MlplayError(f"{self.model.path} does not end in TFLite_Detection_PostProcess (outputs {names})", hint)
        self.positions = [names.index(name) for name in sorted(order, key=order.get)]

    def raw(self, bgr: np.ndarray):
        """The model's boxes, scores and label-map lines for one BGR frame, the `count` valid ones."""
        outputs = self.model.run(self.prepare(bgr))
        boxes, classes, scores, count = (outputs[i] for i in self.positions)
        n = int(count.reshape(-1)[0])
        return np.clip(boxes[0, :n], 0.0, 1.0), scores[0, :n], classes[0, :n].astype(int) + 1

    def __call__(self, bgr: np.ndarray, min_score: float = 0.4, only: set[str] | None = None) -> list[Detection]:
        return select(*self.raw(bgr), self.labels, min_score, only)


def read_picture(path: Path) -> np.ndarray:
    """A photo as BGR (greyscale, alpha and CMYK converted), refused in one line when too small to show anything."""
    from mlplay.imageio import read_bgr

    image = read_bgr(path)
    if min(image.shape[:2]) < MIN_SIDE:
        raise MlplayError(f"{path} is too small ({image.shape[1]}×{image.shape[0]} pixels)",
                          f"give pictures of at least {MIN_SIDE}×{MIN_SIDE}")
    return image
