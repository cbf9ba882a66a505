"""Landmark tables: the hand landmarks of a folder of rock/paper/scissors pictures, extracted once and cached.

A table holds, per picture: its name, its label, the 21 landmarks (NaN when no hand was found), the hand's
presence score and handedness. Training the gesture model reads tables, never pictures, so retraining takes
seconds. The repository ships the table of the real photos it is trained on (`rps-real-landmarks.npz`, beside
this file), so `mlplay train rps-hands` works on a fresh clone; the photos themselves are not shipped.
"""

from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from mlplay.errors import MlplayError
from mlplay.fileio import atomic_path
from mlplay.imageio import read_bgr, skip
from mlplay.paths import datasets_dir
from mlplay.rps.data import TEST_FRACTION, describe, is_test  # noqa: F401 (is_test: the split rps-hands uses)
from mlplay.rps.gestures import MOVES

SHIPPED = Path(__file__).with_name("rps-real-landmarks.npz")
REAL_SOURCE = ("rps-real: real photographs of hands over a green background, 300×200, 1,336 of the 2,188 pictures of "
               "\"rockpaperscissors\" by Julien de la Bruère-Terreault (CC-BY-SA 4.0; captured for his game rps-cv)")
CACHE_VERSION = 1  # bump when the extraction changes: old caches are then ignored


@dataclass
class Table:
    names: np.ndarray  # (N,) str: class/file, unique within the table
    labels: np.ndarray  # (N,) int64 index into MOVES
    landmarks: np.ndarray  # (N, 21, 3) float32 frame pixels; NaN where no hand was found
    presence: np.ndarray  # (N,) float32, 0 where no hand was found
    right: np.ndarray  # (N,) float32: probability of a right hand
    source: str

    @property
    def found(self) -> np.ndarray:
        return np.isfinite(self.landmarks).all(axis=(1, 2))

    def __len__(self) -> int:
        return len(self.names)

    def subset(self, mask: np.ndarray) -> Table:
        return Table(self.names[mask], self.labels[mask], self.landmarks[mask], self.presence[mask], self.right[mask],
                     self.source)

    def save(self, path: Path) -> None:
        with atomic_path(path) as tmp:
            with open(tmp, "wb") as f:
                np.savez_compressed(f, names=self.names.astype(str), labels=self.labels, landmarks=self.landmarks,
                                    presence=self.presence, right=self.right, source=np.array(self.source),
                                    version=np.array(CACHE_VERSION))

    @staticmethod
    def load(path: Path) -> Table:
        try:
            with np.load(path, allow_pickle=False) as z:
                if int(z["version"]) != CACHE_VERSION:
                    raise ValueError(f"version {int(z['version'])}, expected {CACHE_VERSION}")
                return Table(z["names"], z["labels"].astype(np.int64), z["landmarks"].astype(np.float32),
                             z["presence"].astype(np.float32), z["right"].astype(np.float32), str(z["source"]))
        except (OSError, ValueError, KeyError) as e:
            raise MlplayError(f"cannot read landmark table {path}: {e}",
                              "delete it to extract the landmarks again") from None

    @staticmethod
    def concat(tables: list[Table]) -> Table:
        fields = ("names", "labels", "landmarks", "presence", "right")
        return Table(*(np.concatenate([getattr(t, k) for t in tables]) for k in fields),
                     source="; ".join(t.source for t in tables))


def class_pictures(folder: Path) -> list[tuple[str, int, Path]]:
    """(name, label, path) of every picture under folder/<move>/ (and folder/{train,test}/<move>/ when split)."""
    from mlplay.imageio import images_in

    folder = Path(folder)
    roots = [folder / s for s in ("train", "test") if (folder / s).is_dir()] or [folder]
    found = []
    for root in roots:
        for label, move in enumerate(MOVES):
            if (root / move).is_dir():
                found += [(str(p.relative_to(folder)), label, p) for p in images_in(root / move)]
    counts = {m: sum(1 for _, y, _ in found if y == i) for i, m in enumerate(MOVES)}
    if not all(counts.values()):
        raise MlplayError(f"{folder} has no pictures of: " + ", ".join(m for m, n in counts.items() if not n),
                          "give a folder holding rock/, paper/ and scissors/ folders of images")
    return found


def write_sidecar(picture: Path, hand, offset=(0, 0), scale: float = 1.0) -> None:
    """<picture>.json: the hand's landmarks in the saved picture's pixels (`camera record rps`), null when none."""
    from mlplay.fileio import write_json

    landmarks = None
    if hand is not None:
        points = hand.landmarks.astype(np.float64).copy()
        points[:, :2] = (points[:, :2] - np.asarray(offset, np.float64)) * scale
        points[:, 2] *= scale
        landmarks = np.round(points, 2).tolist()
    write_json(picture.with_suffix(".json"), {"landmarks": landmarks, "presence": hand and round(hand.presence, 4),
                                              "right": hand and round(hand.right, 4), "by": "mlplay camera record rps"})


def _sidecar(picture: Path):
    """(landmarks, presence, right) from <picture>.json, None when there is no readable one, or no hand in it."""
    try:
        saved = json.loads(picture.with_suffix(".json").read_text(encoding="utf-8"))
        if saved.get("landmarks") is None:
            return "no hand"
        landmarks = np.asarray(saved["landmarks"], np.float32).reshape(21, 3)
        return landmarks, float(saved["presence"]), float(saved["right"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def extract(pictures: list[tuple[str, int, Path]], source: str, tracker=None, log=None) -> Table:
    """Run the hand pipeline (palm detection every picture, whole-picture fallback) on each picture."""
    from mlplay.rps.hands import HandTracker, whole_picture

    tracker = tracker or HandTracker(track=False)
    n = len(pictures)
    landmarks = np.full((n, 21, 3), np.nan, np.float32)
    presence, right = np.zeros(n, np.float32), np.zeros(n, np.float32)
    from mlplay.console import progress

    for i, (_, _, path) in progress(enumerate(pictures), n, "hand landmarks"):
        saved = _sidecar(path)  # landmarks recorded with the picture, found on the whole camera frame
        if saved == "no hand":
            continue
        if saved is not None:
            landmarks[i], presence[i], right[i] = saved
            continue
        try:
            image = read_bgr(path)
        except MlplayError as e:
            skip(e)
            continue
        hand = tracker(image, [whole_picture(image.shape[1], image.shape[0])])
        if hand is not None:
            landmarks[i], presence[i], right[i] = hand.landmarks, hand.presence, hand.right
        if log and (i + 1) % 200 == 0:
            log(f"landmarks: {i + 1}/{n} pictures")
    return Table(np.array([p[0] for p in pictures]), np.array([p[1] for p in pictures], np.int64), landmarks,
                 presence, right, source)


def cache_path(folder: Path, pictures) -> Path:
    """datasets/rps-hands/<folder name>-<hash of the file list, sizes and the hand models>.npz"""
    from mlplay.rps.hands import LANDMARK_FILE, PALM_FILE, hands_dir

    digest = hashlib.sha256(str(CACHE_VERSION).encode())
    for name, label, path in pictures:
        digest.update(f"{name}\0{label}\0{path.stat().st_size}\n".encode())
    for model in (PALM_FILE, LANDMARK_FILE):
        file = hands_dir() / model
        digest.update(str(file.stat().st_size if file.exists() else 0).encode())
    return datasets_dir() / "rps-hands" / f"{Path(folder).resolve().name}-{digest.hexdigest()[:16]}.npz"


def folder_table(folder: Path, log=print) -> Table:
    """The landmark table of a folder of class folders: from the cache, else extracted (and cached)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise MlplayError(f"{folder} is not a folder", "give a folder of rock/, paper/, scissors/ folders of images")
    pictures = class_pictures(folder)
    path = cache_path(folder, pictures)
    if path.exists():
        return Table.load(path)
    log(f"extracting hand landmarks from {len(pictures)} pictures in {folder} (cached in {path.parent})")

    table = extract(pictures, describe(folder), log=log)
    table.save(path)
    return table


def load_spec(spec: str | Path | None, log=print) -> Table:
    """`--data`: the shipped table (default, or "rps-real"), a table file (.npz), a folder of pictures, or several
    of them comma-separated (`--mix` appends a folder to the default)."""
    parts = [p.strip() for p in str(spec or "rps-real").split(",") if p.strip()]
    tables = []
    for part in parts:
        if part == "rps-real":
            if not SHIPPED.exists():
                raise MlplayError(f"the shipped landmark table {SHIPPED} is missing",
                                  "restore it from git, or give --data DIR")
            tables.append(Table.load(SHIPPED))
        elif part.endswith(".npz"):
            if not Path(part).exists():
                raise MlplayError(f"no such landmark table: {part}")
            tables.append(Table.load(Path(part)))
        else:
            tables.append(folder_table(Path(part), log=log))
    return tables[0] if len(tables) == 1 else Table.concat(tables)


def table_summary(table: Table) -> dict:
    return {"pictures": len(table), "hand_found": int(table.found.sum()),
            "per_class": {m: int((table.labels == i).sum()) for i, m in enumerate(MOVES)}}


def write_shipped(folder: Path, log=print) -> Path:
    """Extract the real photos' table (from a folder of rps-real) into the repository's shipped file."""
    table = extract(class_pictures(folder), REAL_SOURCE, log=log)
    table.save(SHIPPED)
    log(json.dumps(table_summary(table)))
    return SHIPPED


if __name__ == "__main__":  # python -m mlplay.rps.landmarks ../shared/data/rps-real
    write_shipped(Path(sys.argv[1]))
