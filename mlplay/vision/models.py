"""Which model `--model` means for classify and detect, loaded behind one interface per task.

- default: the shipped uint8 LiteRT models (mobilenet-quant, coco-ssd-quant), offline, no TensorFlow;
- `mobilenet-v2` / `ssdlite`: the original collection's float Keras MobileNetV2 and SSDLite SavedModel, downloaded
  when first used;
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
    from mlplay.vision.classify import custom_classifier, imagenet_classifier

    return imagenet_classifier() if name == FLOAT_CLASSIFIER else custom_classifier(Path(name), labels, scale)


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


# The family: the two shipped models, and the data sets that fetch them (or the float models) again ----------
def _predict_classes(request) -> None:
    from mlplay.vision import shells

    shells.classify(request.paths, request.top, 0.0, False, request.jsonl, request.name, None, "raw")


def _predict_boxes(request) -> None:
    from mlplay.vision import shells

    shells.run_images(request.paths, 0.4, None, request.jsonl, request.name)


def _datasets():
    from mlplay.experiment import DataSet

    def shipped(name):
        return DataSet(name, lambda: bundled.fetch(name), lambda: bundled.cached(name),
                       help="the shipped model file again, from its official download (SHA-256 checked)")

    def lazy(function):
        def call(*args, **kwargs):
            from mlplay.vision import pretrained

            return getattr(pretrained, function)(*args, **kwargs)
        return call

    return (shipped(bundled.DEFAULT_CLASSIFIER), shipped(bundled.DEFAULT_DETECTOR),
            DataSet(FLOAT_CLASSIFIER, lazy("fetch_mobilenet"), lazy("mobilenet_cached"),
                    help="float MobileNetV2 (ImageNet) for classify --model mobilenet-v2"),
            DataSet(FLOAT_DETECTOR, lazy("ssdlite_dir"), lazy("ssdlite_cached"),
                    help="float SSDLite MobileNetV2 (COCO) for detect --model ssdlite"))


def _family():
    from mlplay.experiment import Experiment, Family

    fetch = "mlplay data fetch {}".format
    return Family(name="vision", experiments=[
        Experiment(name=bundled.DEFAULT_CLASSIFIER, task="image-classification",
                   summary=bundled.MOBILENET_V2_QUANT.summary, headline="published_accuracy",
                   predict_files=_predict_classes, fetch=fetch(bundled.DEFAULT_CLASSIFIER)),
        Experiment(name=bundled.DEFAULT_DETECTOR, task="object-detection",
                   summary=bundled.SSD_MOBILENET_V1_QUANT.summary, headline="published_map",
                   predict_files=_predict_boxes, fetch=fetch(bundled.DEFAULT_DETECTOR)),
    ], datasets=_datasets())


FAMILY = _family()
