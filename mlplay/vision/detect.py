"""Object detection with a TF SavedModel that has the standard detection signature.

The signature takes one uint8 image batch [1, H, W, 3] (named `inputs` in TF1 zoo exports,
`input_tensor` in TF2 ones) and returns detection_boxes [1, N, 4] (ymin, xmin, ymax, xmax in 0..1),
detection_scores [1, N], detection_classes [1, N] (label-map ids) and num_detections.
"""

from pathlib import Path

import cv2
import numpy as np

from mlplay.errors import MlplayError
from mlplay.vision.boxes import Detection, select


class Detector:
    def __init__(self, folder: Path, labels: dict[int, str]):
        from mlplay.console import tensorflow

        tf = tensorflow()
        self.tf, self.labels = tf, labels
        try:
            loaded = tf.saved_model.load(str(folder))
            self._fn = loaded.signatures["serving_default"]
        except (OSError, KeyError, ValueError) as e:
            raise MlplayError(f"{folder} is not a detection SavedModel ({str(e).splitlines()[0]})") from None
        self._keep = loaded  # the signature needs its object alive
        (self._input,) = self._fn.structured_input_signature[1].keys()
        missing = {"detection_boxes", "detection_scores", "detection_classes"} - set(self._fn.structured_outputs)
        if missing:
            raise MlplayError(f"{folder}: the signature lacks {', '.join(sorted(missing))}")

    def raw(self, bgr: np.ndarray):
        """The model's boxes, scores and class ids for one BGR frame."""
        rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)[None]
        out = self._fn(**{self._input: self.tf.constant(rgb, dtype=self.tf.uint8)})
        n = int(out["num_detections"][0]) if "num_detections" in out else out["detection_scores"].shape[1]
        return (out["detection_boxes"][0, :n].numpy(), out["detection_scores"][0, :n].numpy(),
                out["detection_classes"][0, :n].numpy())

    def __call__(self, bgr: np.ndarray, min_score: float = 0.4, only: set[str] | None = None) -> list[Detection]:
        return select(*self.raw(bgr), self.labels, min_score, only)
