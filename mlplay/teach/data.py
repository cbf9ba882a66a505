"""Examples of a taught model: pictures in class folders, their features, and the held-out split.

The camera keeps every recorded frame as it is recorded: `datasets/teach/NAME/<label>/NNNNN.jpg`, the centre square
the backbone sees (224×224), numbered in recording order, so a frame's number is its time. `mlplay train teach
--data DIR` reads any folder of class folders the same way (names sorted: their order stands for time).

Held out: a fifth of each label's examples, taken in time blocks (each label's examples cut into ten runs of
neighbours, the 5th and the 10th held out), so that the near-identical neighbours of a held-out frame are held out
with it instead of being trained on.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from mlplay.errors import MlplayError
from mlplay.fileio import atomic_path
from mlplay.paths import check_label, datasets_dir

DEFAULT_LABELS = ("one", "two", "three")
MAX_LABELS = 9  # one number key each
BLOCKS, HELD_BLOCKS = 10, (4, 9)  # each label's examples in ten time blocks; these two are held out
FEATURES_CACHE = ".features.npz"


def examples_dir(name: str) -> Path:
    return datasets_dir() / "teach" / name


def parse_labels(text: str | None) -> list[str]:
    """`--labels cup,phone,nothing` → the labels; each a plain folder name, at least two, at most nine, no repeats."""
    labels = [label.strip() for label in (text if text is not None else ",".join(DEFAULT_LABELS)).split(",")]
    labels = [label for label in labels if label]
    for label in labels:
        check_label(label, "--labels: label")
    if len(labels) < 2:
        raise MlplayError(f"only one label ({', '.join(labels) or 'none'}): a classifier needs two or more",
                          "e.g. --labels cup,phone,nothing (a label for 'nothing in particular' helps)")
    if len(labels) > MAX_LABELS:
        raise MlplayError(f"{len(labels)} labels: at most {MAX_LABELS} (one number key each)")
    if len(set(labels)) != len(labels):
        raise MlplayError("a label is given twice: " + ", ".join(sorted({x for x in labels if labels.count(x) > 1})))
    return labels


def held_out(n: int) -> np.ndarray:
    """Which of n examples (in time order) are held out: the 5th and 10th of ten runs of neighbours; at least one
    held out and one trained on when n ≥ 2."""
    mask = np.zeros(n, bool)
    if n < 2:
        return mask
    block = np.minimum((np.arange(n) * BLOCKS) // n, BLOCKS - 1)
    mask = np.isin(block, HELD_BLOCKS)
    if not mask.any():
        mask[-1] = True
    if mask.all():
        mask[0] = False
    return mask


@dataclass
class Examples:
    """Pictures by label, in time order, with their features (rows of `features`, same order as `files`)."""

    labels: list[str]
    files: dict[str, list[Path]] = field(default_factory=dict)
    features: dict[str, list[np.ndarray]] = field(default_factory=dict)

    def __post_init__(self):
        for label in self.labels:
            self.files.setdefault(label, [])
            self.features.setdefault(label, [])

    def counts(self) -> dict[str, int]:
        return {label: len(self.features[label]) for label in self.labels}

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(features, label indices, held-out mask) of every example."""
        xs, ys, held = [], [], []
        for i, label in enumerate(self.labels):
            rows = self.features[label]
            xs += rows
            ys += [i] * len(rows)
            held.append(held_out(len(rows)))
        width = len(xs[0]) if xs else 0
        return (np.array(xs, np.float32).reshape(len(xs), width), np.array(ys, np.int64),
                np.concatenate(held) if held else np.zeros(0, bool))


def pictures_in(folder: Path, labels: list[str] | None = None) -> dict[str, list[Path]]:
    """{label: picture files, sorted} of a folder of class folders (hidden files and folders left out)."""
    from mlplay.imageio import images_in

    folder = Path(folder)
    if not folder.is_dir():
        raise MlplayError(f"{folder} is not a folder", "give a folder holding one folder of pictures per label")
    names = labels or sorted(p.name for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))
    found = {label: images_in(folder / label) if (folder / label).is_dir() else [] for label in names}
    if not any(found.values()):
        raise MlplayError(f"no pictures in {folder}", "give a folder holding one folder of pictures per label, "
                                                      "e.g. cup/ and phone/ with a few photos each")
    return found


def check_examples(examples: Examples) -> None:
    """What training needs: two labels or more, each with an example to learn from and one to hold out."""
    counts = examples.counts()
    if len(counts) < 2:
        raise MlplayError(f"only one label ({', '.join(counts)}): a classifier needs two or more")
    empty = [label for label, n in counts.items() if n == 0]
    if empty:
        raise MlplayError(f"no examples of {', '.join(empty)}", "record some (hold its number key) or give pictures "
                                                                 "of it; every label needs two or more")
    few = [label for label, n in counts.items() if n < 2]
    if few:
        raise MlplayError(f"only one example of {', '.join(few)}: each label needs two or more (one is held out)")


def load_folder(folder: Path, features, labels: list[str] | None = None, log=None, cache: bool = False) -> Examples:
    """The examples of a folder of class folders with their features (`features(bgr)`; with `cache`, features are
    kept in the folder's .features.npz, keyed by file and backbone, so reopening a taught model costs nothing)."""
    from mlplay.imageio import read_bgr

    files = pictures_in(folder, labels)
    stored = _read_cache(folder, features.sha256) if cache else {}
    examples = Examples(list(files))
    for label, paths in files.items():
        for path in paths:
            key = f"{label}/{path.name}"
            row = stored.get(key)
            if row is None:
                try:
                    row = features(read_bgr(path))
                except MlplayError as e:
                    if log:
                        log(f"Warning: skipped {e}")
                    continue
            examples.files[label].append(path)
            examples.features[label].append(row)
    if cache:
        write_cache(folder, examples, features.sha256)
    return examples


def _read_cache(folder: Path, backbone_sha: str) -> dict[str, np.ndarray]:
    path = Path(folder) / FEATURES_CACHE
    try:
        with np.load(path, allow_pickle=False) as z:
            if str(z["backbone"]) != backbone_sha:
                return {}
            return dict(zip(z["names"].tolist(), z["features"]))
    except (OSError, ValueError, KeyError):
        return {}


def write_cache(folder: Path, examples: Examples, backbone_sha: str) -> None:
    names = [f"{label}/{p.name}" for label in examples.labels for p in examples.files[label]]
    rows = [row for label in examples.labels for row in examples.features[label]]
    if not rows:
        return
    with atomic_path(Path(folder) / FEATURES_CACHE, suffix=".npz") as tmp:
        np.savez(tmp, names=np.array(names), features=np.array(rows, np.float32), backbone=np.array(backbone_sha))


class Recorder:
    """Writes recorded frames under datasets/teach/NAME/<label>/, numbered after what is already there."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.next: dict[str, int] = {}

    def _number(self, label: str) -> int:
        if label not in self.next:
            taken = [int(p.stem) for p in (self.folder / label).glob("*.jpg") if p.stem.isdigit()]
            self.next[label] = max(taken, default=-1) + 1
        n = self.next[label]
        self.next[label] += 1
        return n

    def save(self, label: str, rgb: np.ndarray) -> tuple[Path, np.ndarray]:
        """Write the picture; return its path and the picture as it reads back (JPEG is lossy: what is learned from
        is what is kept, so `mlplay eval` re-reading the files finds the same features)."""
        path = self.folder / label / f"{self._number(label):05d}.jpg"
        ok, jpeg = cv2.imencode(".jpg", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 95])
        if not ok:
            raise MlplayError(f"cannot encode a frame for {path}")
        with atomic_path(path) as tmp:
            tmp.write_bytes(jpeg.tobytes())
        return path, cv2.cvtColor(cv2.imdecode(jpeg, cv2.IMREAD_UNCHANGED), cv2.COLOR_BGR2RGB)


def write_labels(folder: Path, labels: list[str]) -> None:
    """The labels in their key order (1, 2, 3, …), beside the examples."""
    with atomic_path(Path(folder) / "labels.json") as tmp:
        tmp.write_text(json.dumps(labels) + "\n", encoding="utf-8")


def read_labels(folder: Path) -> list[str] | None:
    try:
        return list(json.loads((Path(folder) / "labels.json").read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return None
