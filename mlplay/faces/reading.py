"""A picture → its faces and their expressions; and `mlplay predict emotion PHOTO…`, which prints them.

Each face found gets its box, its score and, when it is at least MIN_FACE pixels across, the 7 probabilities of
its expression. A picture in which no face is found, but which is small and square enough to be a face crop already
(FER-2013's are 48×48), is read whole, and the reading says so.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from mlplay.faces.expressions import LABELS, MIN_FACE, best, whole_crop

CROP_MAX_SIDE = 256  # pixels: a picture this small or smaller ...
CROP_MAX_ASPECT = 1.25  # ... and this close to square may be a face crop (read whole when no face is found in it)
TOO_SMALL = f"too small to read (under {MIN_FACE} pixels across)"
CUT = "cut by the picture's edge"  # the expression is still read: the crop repeats the edge pixels
MIN_INSIDE = 0.9  # a face whose box lies less than this much inside the picture is noted as cut
READ_WHOLE = "no face found; read whole as a face crop"


@dataclass
class Reading:
    """One face of a picture: box (x0, y0, x1, y1) in pixels, detector score (None when read whole), key points,
    the 7 probabilities (None: too small to read), and a note when there is something to say."""

    box: list[int]
    score: float | None
    keypoints: np.ndarray | None
    probabilities: np.ndarray | None
    note: str = ""

    @property
    def expression(self) -> str | None:
        return None if self.probabilities is None else best(self.probabilities)[0]

    def as_json(self, top: int = 3) -> dict:
        p = self.probabilities
        order = [] if p is None else np.argsort(p)[::-1][:top]
        return {"box": self.box, "score": None if self.score is None else round(self.score, 4),
                "keypoints": None if self.keypoints is None else np.round(self.keypoints.astype(float), 1).tolist(),
                "expression": self.expression, "probability": None if p is None else round(float(p.max()), 4),
                "probabilities": None if p is None else {label: round(float(v), 4) for label, v in zip(LABELS, p)},
                "top": [[LABELS[i], round(float(p[i]), 4)] for i in order], "note": self.note or None}


def looks_like_a_crop(picture: np.ndarray) -> bool:
    """Small and square enough to be a face crop already, and not too small to read."""
    h, w = picture.shape[:2]
    return MIN_FACE <= min(h, w) and max(h, w) <= CROP_MAX_SIDE and max(h, w) / min(h, w) <= CROP_MAX_ASPECT


def read_picture(picture: np.ndarray, detector, reader, whole: bool = True) -> list[Reading]:
    """The faces of a BGR picture, largest first; `whole`: a small square picture without a face found is read as a
    face crop (one reading covering it, its note says so)."""
    h, w = picture.shape[:2]
    readings = []
    for face in detector(picture):
        r = Reading(face.pixels(), face.score, face.keypoints, reader.read(picture, face))
        r.note = TOO_SMALL if r.probabilities is None else CUT if face.inside(w, h) < MIN_INSIDE else ""
        readings.append(r)
    if not readings and whole and looks_like_a_crop(picture):
        readings = [Reading([0, 0, w, h], None, None, reader(whole_crop(picture)), READ_WHOLE)]
    return readings


def text_line(path, index: int, count: int, r: Reading) -> str:
    """One face as a line: where, the expression and all 7 probabilities (likeliest first)."""
    where = "whole picture" if r.score is None else f"face {index + 1} of {count} at [{', '.join(map(str, r.box))}]"
    if r.probabilities is None:
        return f"{path}: {where}: {r.note}"
    first, *others = np.argsort(r.probabilities)[::-1]
    rest = ", ".join(f"{LABELS[i]} {r.probabilities[i]:.3f}" for i in others)
    note = f" ({r.note})" if r.note else ""
    return f"{path}: {where}{note}: {LABELS[first]} {r.probabilities[first]:.3f} ({rest})"


def predict_files(paths: list[Path], top: int = 3, jsonl: bool = False, models_root: Path | None = None,
                  strict: bool = False) -> None:
    """`mlplay predict emotion PHOTO…`: a line per face (JSON with --jsonl), "no face found" for a picture without
    one. A file that cannot be read is skipped with a one-line warning and the others go on (`strict`: it stops
    there); then one error if any was skipped (mlplay.imageio.Batch, as every command that reads pictures)."""
    from mlplay.faces.shipped import faces_dir, open_models
    from mlplay.imageio import Batch

    batch = Batch(paths, strict=strict)
    detector, reader = open_models(faces_dir(models_root))
    for path, picture in batch:
        readings = read_picture(picture, detector, reader)
        if jsonl:
            lines = [{"image": str(path), "face": i + 1, "faces": len(readings), **r.as_json(top)}
                     for i, r in enumerate(readings)]
            for line in lines or [{"image": str(path), "face": None, "faces": 0, "expression": None,
                                   "note": "no face found"}]:
                print(json.dumps(line))
        else:
            for i, r in enumerate(readings):
                print(text_line(path, i, len(readings), r))
            if not readings:
                print(f"{path}: no face found")
    batch.done()
