"""Rock-paper-scissors pictures: the official set (fetch, checksums, extraction) and any folder of class folders.

Official: Laurence Moroney's CGI hands, 2520 training and 372 test PNGs of 300×300, two zips whose SHA-256 are
the ones TensorFlow Datasets records. Extracted to datasets/rps/{train,test}/{rock,paper,scissors}/.
Any other data (recorded with `mlplay camera record rps`, or synthetic) is a folder with rock/, paper/ and
scissors/ inside, optionally split into train/ and test/; without that split a held-out test part is carved
(stratified, seeded) before anything else sees the data.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import zipfile
from pathlib import Path

import cv2
import numpy as np

from mlplay.download import DownloadError, Source, download
from mlplay.errors import MlplayError
from mlplay.experiment import Dataset
from mlplay.fileio import atomic_dir, write_json
from mlplay.imageio import IMAGE_SUFFIXES, images_in, read_bgr, skip
from mlplay.paths import datasets_dir, portable
from mlplay.rps.game import MOVES

BASE = "https://storage.googleapis.com/download.tensorflow.org/data"
TRAIN = Source(f"{BASE}/rps.zip", "c2403444395842ad04c53612bad54b574443eae17a0723117a2ff87b9d72194f",
               "rock-paper-scissors training set (rps.zip, 2520 CGI hands)")
TEST = Source(f"{BASE}/rps-test-set.zip", "c27ab9fa43ce40b2e453de711365b477f4424586edf0388116674fd320f07503",
              "rock-paper-scissors test set (rps-test-set.zip, 372 CGI hands)")
OFFICIAL_SOURCE = "official rock-paper-scissors (Laurence Moroney, CGI hands; rps.zip / rps-test-set.zip)"
TEST_FRACTION = 0.2
REAL_NAME = "rps-real"
REAL_SOURCE = ("rps-real: real photographs of hands over a green background, 300×200, from the 2,188-picture set "
               "'rockpaperscissors' by Julien de la Bruère-Terreault (CC-BY-SA 4.0)")
VALIDATION_SERIES_AT_LEAST = 3  # series (rendered hands) a class needs before one is held out for validation
NO_DATA_HINT = ("fetch the official set: mlplay data fetch rps; or record your own hands: "
                "mlplay camera record rps --label rock --count 200 (then paper, scissors) and train with "
                "--data datasets/rps-mine")


def official_dir() -> Path:
    return datasets_dir() / "rps"


def mine_dir() -> Path:
    return datasets_dir() / "rps-mine"


def cached() -> Path | None:
    folder = official_dir()
    return folder if (folder / "SOURCE.json").exists() else None


def fetch(sources: tuple[Source, Source] = (TRAIN, TEST), log=print) -> Path:
    """Download both zips (checksummed), extract their PNGs to class folders; idempotent."""
    folder = official_dir()
    if cached():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    counts = {}
    for split, source in zip(("train", "test"), sources):
        archive = folder / f"download-{split}.zip"
        try:
            download(source, archive, timeout=60)
        except DownloadError as e:
            raise MlplayError(f"cannot download the rock-paper-scissors data ({e})", "check the internet connection; "
                              "or record your own hands: mlplay camera record rps --label rock (then train with "
                              "--data datasets/rps-mine)") from None
        counts[split] = _extract(archive, folder / split)
        log(f"{source.label}: {sum(counts[split].values())} images → {folder / split}")
    write_json(folder / "SOURCE.json", {"source": OFFICIAL_SOURCE, "urls": [s.url for s in sources],
                                        "sha256": [s.sha256 for s in sources], "images": counts})
    for split in ("train", "test"):  # kept until both are in: a retry after a failed second download reuses the first
        (folder / f"download-{split}.zip").unlink(missing_ok=True)
    return folder


def _extract(archive: Path, dest: Path) -> dict[str, int]:
    """PNGs under <top>/<class>/ into dest/<class>/; nothing outside dest is ever written."""
    try:
        with zipfile.ZipFile(archive) as zf, atomic_dir(dest) as tmp:
            counts = dict.fromkeys(MOVES, 0)
            for info in zf.infolist():
                parts = Path(info.filename).parts
                if info.is_dir() or len(parts) < 2 or parts[-2] not in MOVES:
                    continue
                name = Path(parts[-1]).name
                if Path(name).suffix.lower() not in IMAGE_SUFFIXES or name.startswith("."):
                    continue
                target = tmp / parts[-2] / name
                target.parent.mkdir(exist_ok=True)
                with zf.open(info) as src, open(target, "wb") as out:
                    shutil.copyfileobj(src, out)
                counts[parts[-2]] += 1
            if not all(counts.values()):
                raise MlplayError(f"{archive.name} lacks pictures of: "
                                  + ", ".join(m for m, n in counts.items() if not n))
    except zipfile.BadZipFile:
        raise MlplayError(f"{archive.name} is not a zip file") from None
    return counts


# Loading class folders -------------------------------------------------------------------------------
def to_input(bgr: np.ndarray, size: int) -> np.ndarray:
    """A picture of a hand (BGR, any size) → the models' input: centre square, size×size RGB uint8 (the models
    scale it themselves; uint8 keeps a data set in memory 4× smaller than floats).

    The one function both training and the camera use, so they can never disagree.
    """
    h, w = bgr.shape[:2]
    side = min(h, w)
    y0, x0 = (h - side) // 2, (w - side) // 2
    square = bgr[y0:y0 + side, x0:x0 + side]
    interpolation = cv2.INTER_AREA if side > size else cv2.INTER_LINEAR
    small = cv2.resize(square, (size, size), interpolation=interpolation)
    return cv2.cvtColor(small, cv2.COLOR_BGR2RGB)


def class_files(folder: Path) -> dict[str, list[Path]]:
    """{move: sorted image files} from folder/<move>/; an error naming what is missing."""
    folder = Path(folder)
    found = {}
    for move in MOVES:
        sub = folder / move
        found[move] = images_in(sub) if sub.is_dir() else []
    missing = [m for m, files in found.items() if not files]
    if missing:
        raise MlplayError(f"{folder} has no pictures of: {', '.join(missing)}",
                          "give a folder holding rock/, paper/ and scissors/ folders of images")
    return found


def load_arrays(files: dict[str, list[Path]], size: int) -> tuple[np.ndarray, np.ndarray]:
    xs, ys = [], []
    for label, paths in files.items():
        for path in paths:
            try:
                xs.append(to_input(read_bgr(path), size))
            except MlplayError as e:
                skip(e)
                continue
            ys.append(MOVES.index(label))
    if not xs:
        raise MlplayError("no readable pictures")
    return np.stack(xs), np.asarray(ys, np.int64)


def split_test(files: dict[str, list[Path]], fraction: float, seed: int):
    """Stratified, seeded (train, test) split of each class's files; every class keeps one of each at least."""
    rng = np.random.default_rng(seed)
    train, test = {}, {}
    for label, paths in files.items():
        if len(paths) < 2:
            raise MlplayError(f"only {len(paths)} picture of {label}: need at least 2 (one to train, one to test)")
        order = rng.permutation(len(paths))
        n_test = min(len(paths) - 1, max(1, int(round(len(paths) * fraction))))
        test[label] = [paths[i] for i in sorted(order[:n_test])]
        train[label] = [paths[i] for i in sorted(order[n_test:])]
    return train, test


def real_photos_dir(data_folder: str | Path | None) -> Path | None:
    """Real photographs of hands to check a model on: rps-real/ beside the training data's folder, or in datasets/."""
    places = ([Path(data_folder).parent / REAL_NAME] if data_folder else []) + [datasets_dir() / REAL_NAME]
    return next((p for p in places if all((p / m).is_dir() for m in MOVES)), None)


def is_official(folder: Path) -> bool:
    """The official set under another folder: its train/ and test/ hold its 840 and 124 pictures a class, under
    its own names (rock01-000…, testrock01-00…)."""
    for split, count, prefix in (("train", 840, ""), ("test", 124, "test")):
        for move in MOVES:
            sub = folder / split / move
            names = [p.name for p in images_in(sub)] if sub.is_dir() else []
            if len(names) != count or not all(n.startswith(prefix) and "-" in n for n in names):
                return False
    return True


def is_test(names: np.ndarray, fraction: float = TEST_FRACTION) -> np.ndarray:
    """A picture is held out by a hash of its name: the same pictures whatever else is in the data."""
    def bucket(name: str) -> float:
        return int.from_bytes(hashlib.sha256(str(name).encode()).digest()[:4], "big") / 2**32

    return np.array([bucket(n) < fraction for n in names], bool)


def describe(folder: Path) -> str:
    folder = Path(folder)
    if is_official(folder) and not (folder / "SOURCE.json").exists():
        return f"{OFFICIAL_SOURCE}, from {portable(folder)} (recognised by its pictures' names and counts)"
    if (folder / "SOURCE.json").exists():
        import json

        return json.loads((folder / "SOURCE.json").read_text()).get("source", str(folder))
    if (folder / "SYNTHETIC.txt").exists() or any(folder.glob("*/SYNTHETIC.txt")):
        return f"{portable(folder)} (SYNTHETIC cartoon hands, not photographs)"
    if folder.resolve() == mine_dir().resolve():
        return f"{portable(folder)} (recorded with mlplay camera record rps)"
    return portable(folder)


def hand_series(paths: list[Path]) -> dict[str, list[Path]] | None:
    """Pictures grouped by series: the name before its frame number (`rock03-017.png` → `rock03`, one rendered
    hand in the official set); None when a name has no frame number."""
    series: dict[str, list[Path]] = {}
    for path in paths:
        match = re.fullmatch(r"(.+)[-_]\d+", path.stem)
        if not match:
            return None
        series.setdefault(match.group(1), []).append(path)
    return series


def split_validation_by_series(files: dict[str, list[Path]], seed: int, least: int = VALIDATION_SERIES_AT_LEAST):
    """(train, validation): one whole series of each class held out, when every class has `least` series or more;
    None otherwise. Unseen hands, as in a test split of other hands: a random split of near-identical frames
    of the same series says little about them."""
    rng = np.random.default_rng(seed)
    train, val = {}, {}
    for label, paths in files.items():
        series = hand_series(paths)
        if series is None or len(series) < least:
            return None
        held = sorted(series)[int(rng.integers(len(series)))]
        val[label] = series[held]
        train[label] = [p for p in paths if p not in set(series[held])]
    return train, val


def load(path: Path | None, size: int, quick: bool, seed: int = 0, quick_per_class: int = 40) -> Dataset:
    """The data set from `path` or the fetched official set; with its own train/ and test/ folders, validation
    holds out whole series of the training pictures (split_validation_by_series), else the loop carves it."""
    folder = Path(path) if path else cached()
    if folder is None:
        raise MlplayError("no rock-paper-scissors data", NO_DATA_HINT)
    if not folder.is_dir():
        raise MlplayError(f"{folder} is not a folder", "give a folder of rock/, paper/, scissors/ folders")
    val = None
    if (folder / "train").is_dir() and (folder / "test").is_dir():
        train, test = class_files(folder / "train"), class_files(folder / "test")
        split = "the data's own train/ and test/ folders"
        if not quick and (by_series := split_validation_by_series(train, seed)):
            train, val = by_series
    else:
        train, test = split_test(class_files(folder), TEST_FRACTION, seed)
        split = f"{TEST_FRACTION:.0%} of each class held out as test (seed {seed}) before training"
    if quick:
        train = {k: v[:quick_per_class] for k, v in train.items()}
        test = {k: v[:max(2, quick_per_class // 4)] for k, v in test.items()}
    x_train, y_train = load_arrays(train, size)
    x_test, y_test = load_arrays(test, size)
    meta = {"folder": portable(folder), "test_split": split,
            "per_class": {"train": {k: len(v) for k, v in train.items()}, "test": {k: len(v) for k, v in test.items()}}}
    data = Dataset(x_train, y_train, x_test, y_test, describe(folder), meta=meta)
    if val:
        data.x_val, data.y_val = load_arrays(val, size)
        meta["validation_series"] = {k: hand_series(v).popitem()[0] for k, v in val.items()}
        meta["per_class"]["validation"] = {k: len(v) for k, v in val.items()}
    return data


# Real photos and rendered hands together (rps-mobilenet) ---------------------------------------------------------
REAL_VALIDATION = 0.125  # of the real photos left for training, chosen by a hash of their names


def default_mixed() -> str:
    """rps-mobilenet's default data: the fetched official set and the real photos (in datasets/)."""
    return f"{official_dir()},{datasets_dir() / REAL_NAME}"


def load_mixed(spec: str | Path | None, size: int, quick: bool, seed: int = 0, quick_per_class: int = 40) -> Dataset:
    """Several folders, comma-separated, learned together:
    - a folder with train/ and test/ (the official CGI set): train/ trains, one whole rendered hand a class
      validates, test/ is the official test split (reported apart: meta["official_test"]);
    - a folder of class folders (real photos, recorded ones): a fifth is held out by a hash of `class/file`, the
      same photos rps-hands holds out (is_test); a hash-chosen eighth of the rest validates.
    The held-out test set is the class folders' fifth (the real photos); with none, the official test split.
    """

    folders = [Path(p.strip()) for p in str(spec or default_mixed()).split(",") if p.strip()]
    if not folders:
        raise MlplayError("no data folders given", NO_DATA_HINT)
    train: list[dict] = []
    val: list[dict] = []
    held: list[dict] = []
    official: list[dict] = []
    split_notes, sources = [], []
    for folder in folders:
        if not folder.is_dir():
            raise MlplayError(f"{folder} is not a folder", "give folders of rock/, paper/, scissors/ folders (or "
                                                             "the official set's train/ and test/), comma-separated")
        sources.append(describe(folder))
        if (folder / "train").is_dir() and (folder / "test").is_dir():
            tr, te = class_files(folder / "train"), class_files(folder / "test")
            by_series = split_validation_by_series(tr, seed)
            if by_series:
                tr, va = by_series
            else:
                tr, va = split_test(tr, 0.1, seed)
            train.append(tr)
            val.append(va)
            official.append(te)
            split_notes.append(f"{folder.name}: its own train/ and test/ (test = the official test split); "
                               "validation: one whole rendered hand a class of train/" if by_series else
                               f"{folder.name}: its own train/ and test/; validation: 10 % of train/ (seed {seed})")
        else:
            files = class_files(folder)
            tr, va, te = {}, {}, {}
            for move, paths in files.items():
                names = np.array([f"{move}/{p.name}" for p in paths])
                test = is_test(names)
                validate = is_test(np.array([f"validation/{n}" for n in names]), REAL_VALIDATION) & ~test
                te[move] = [p for p, t in zip(paths, test) if t]
                va[move] = [p for p, v in zip(paths, validate) if v]
                tr[move] = [p for p, t, v in zip(paths, test, validate) if not t and not v]
            train.append(tr)
            val.append(va)
            held.append(te)
            split_notes.append(f"{folder.name}: a fifth held out as test by a hash of class/file (the photos rps-hands "
                               f"holds out); validation: a hash-chosen {REAL_VALIDATION:.1%} of the rest")

    def merged(parts: list[dict]) -> dict[str, list[Path]]:
        return {m: [p for part in parts for p in part.get(m, [])] for m in MOVES}

    tests = held or official
    parts = {"train": merged(train), "validation": merged(val), "test": merged(tests)}
    if quick:
        parts = {k: {m: v[:quick_per_class if k == "train" else max(2, quick_per_class // 4)] for m, v in d.items()}
                 for k, d in parts.items()}
    x_train, y_train = load_arrays(parts["train"], size)
    x_val, y_val = load_arrays(parts["validation"], size)
    x_test, y_test = load_arrays(parts["test"], size)
    places = [portable(f) for f in folders]
    meta = {"folders": places, "test_split": "; ".join(split_notes),
            "test_is": "held-out real photos (class folders)" if held else "the official test split",
            "per_class": {k: {m: len(v) for m, v in d.items()} for k, d in parts.items()}}
    if not any("outside the project" in p for p in places):
        meta["reload"] = ",".join(places)  # `mlplay eval` finds the data again (else it needs --data)
    data = Dataset(x_train, y_train, x_test, y_test, "; ".join(sources), meta=meta, x_val=x_val, y_val=y_val)
    if held and official:
        files = merged(official)
        if quick:
            files = {m: v[:max(2, quick_per_class // 4)] for m, v in files.items()}
        data.other_tests["official"] = load_arrays(files, size)
        meta["official_test_pictures"] = sum(len(v) for v in files.values())
    return data
