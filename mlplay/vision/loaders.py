"""Which model `--model` means for classify and detect, loaded behind one interface per task.

- default: the shipped uint8 LiteRT models (mobilenet-quant, coco-ssd-quant), offline, no TensorFlow;
- `mobilenet-v2`: torchvision's float MobileNetV2 converted by `mlplay data fetch mobilenet-v2` (LiteRT features and
  its ImageNet classifier in numpy, no TensorFlow); `ssdlite`: the SSDLite SavedModel, fetched when first used;
- anything else: a path to your own Keras classifier or detection SavedModel.

A classifier has `labels` and `classify(images)` → probabilities; a detector has `labels` ({id: name}) and is
called as `detector(bgr, min_score, only)` → detections. Both shells show every model's results the same way.
"""

from pathlib import Path

from mlplay.errors import MlplayError
from mlplay.vision import bundled

FLOAT_CLASSIFIER, FLOAT_DETECTOR = "mobilenet-v2", "ssdlite"
CLASSIFIERS = (bundled.DEFAULT_CLASSIFIER, FLOAT_CLASSIFIER)
DETECTORS = (bundled.DEFAULT_DETECTOR, FLOAT_DETECTOR)


def _shipped(name: str, task: str, what: str, choices: tuple[str, ...]):
    model = bundled.load(name)
    if model.card.task != task:
        raise MlplayError(f"{name} is not {what}", f"choose one of: {', '.join(choices)}, or a path")
    return model


def classifier(model: str | None, labels: Path | None = None, scale: str = "raw"):
    name = model or bundled.DEFAULT_CLASSIFIER
    if name in bundled.BUNDLED:
        from mlplay.vision.lite import LiteClassifier

        model = _shipped(name, "image-classification", "an image classifier", CLASSIFIERS)
        return LiteClassifier(model, hint=bundled.hint(name))
    if name == FLOAT_CLASSIFIER:
        from mlplay.vision.backbone import ImagenetClassifier

        return ImagenetClassifier()
    from mlplay.vision.classify import custom_classifier

    return custom_classifier(Path(name), labels, scale)


def detector(model: str | None):
    name = model or bundled.DEFAULT_DETECTOR
    if name in bundled.BUNDLED:
        from mlplay.vision.lite import LiteDetector

        model = _shipped(name, "object-detection", "an object detector", DETECTORS)
        return LiteDetector(model, hint=bundled.hint(name))
    from mlplay.vision import pretrained
    from mlplay.vision.detect import Detector

    return Detector(pretrained.ssdlite_dir() if name == FLOAT_DETECTOR else Path(name), pretrained.coco_labels())


def parse_classes(classes: str | None, labels: dict[int, str]) -> set[str] | None:
    """`--classes person,tv` → the detector's own names for them ("tv" finds "T.V."; case and _ are ignored)."""
    if not classes:
        return None
    names = {_plain(name): name for name in labels.values()}
    wanted = [c.strip() for c in classes.split(",") if c.strip()]
    unknown = [c for c in wanted if _plain(c) not in names]
    if unknown:
        raise MlplayError(f"unknown COCO class: {', '.join(unknown)}", "e.g. person, dog, car, cell phone")
    return {names[_plain(c)] for c in wanted}


def _plain(name: str) -> str:
    return name.lower().replace("_", " ").replace(".", "").strip()
