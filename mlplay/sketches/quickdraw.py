"""QuickDraw's official 28×28 bitmaps (`numpy_bitmap/<class>.npy`, N×784 uint8), the first N of each class.

Each class file is streamed and cut after its first `per_class` drawings (the full files hold 100k+ each), saved
as `datasets/quickdraw/<class>.npy` with a corrected header, and its SHA-256 recorded the first time
(`SHA256SUMS.json`); later loads verify it. `selection.json` remembers which classes were fetched.
"""

import io
import json
import os
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import numpy as np

from mlplay.download import sha256_file
from mlplay.errors import MlplayError
from mlplay.fileio import atomic_path, write_json
from mlplay.paths import datasets_dir

BASE_URL = "https://storage.googleapis.com/quickdraw_dataset/full/numpy_bitmap"
DEFAULT_PER_CLASS = 5000
TEST_FRACTION = 1 / 7  # the last seventh of each class's drawings is the held-out test set
SUMS_FILE, SELECTION_FILE = "SHA256SUMS.json", "selection.json"
OFFLINE_HINT = "check your internet connection; offline, the sketch models train on generated doodles"


def folder() -> Path:
    return datasets_dir() / "quickdraw"


def cached() -> Path | None:
    return folder() if (folder() / SELECTION_FILE).exists() else None


def class_url(name: str, base: str | None = None) -> str:
    base = base or os.environ.get("MLPLAY_QUICKDRAW_URL", BASE_URL)
    return f"{base.rstrip('/')}/{urllib.parse.quote(name)}.npy"


def parse_classes(text: str) -> list[str]:
    classes = [c.strip() for c in text.split(",") if c.strip()]
    if not classes:
        raise MlplayError("no classes given", "e.g. --classes cat,house,'smiley face'")
    return list(dict.fromkeys(classes))


def fetch(classes: list[str], per_class: int = DEFAULT_PER_CLASS, base: str | None = None, log=print) -> Path:
    """Download the first `per_class` drawings of each class (skipping those already cached); return the folder."""
    if per_class < 2:
        raise MlplayError("--per-class must be at least 2 (some for training, some for the test)")
    sums = _read_json(folder() / SUMS_FILE)
    for name in classes:
        dest = folder() / f"{name}.npy"
        have = sums.get(name)
        if have and dest.exists() and have["rows"] >= per_class:
            _verify(dest, have)
            continue
        rows = _download_rows(class_url(name, base), dest, per_class, name)
        sums[name] = {"sha256": sha256_file(dest), "rows": rows, "url": class_url(name, base)}
        write_json(folder() / SUMS_FILE, sums)
        log(f"QuickDraw {name}: {rows} drawings → {dest}")
    write_json(folder() / SELECTION_FILE, {"classes": classes, "per_class": per_class})
    return folder()


def _download_rows(url: str, dest: Path, rows: int, name: str, timeout: float = 30.0) -> int:
    """Stream the .npy, stop after `rows` drawings, write them with a header that says so."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            head = response.read(4096)
            stream = io.BytesIO(head)
            try:
                version = np.lib.format.read_magic(stream)
                read_header = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
                shape, _, dtype = read_header(stream)
            except ValueError as e:
                raise MlplayError(f"QuickDraw {name}: {url} is not a .npy file ({e})") from None
            if dtype != np.uint8 or len(shape) != 2 or shape[1] != 784:
                raise MlplayError(f"QuickDraw {name}: expected N×784 uint8 bitmaps, got {shape} {dtype}")
            rows = min(rows, shape[0])
            body, need = head[stream.tell():], rows * 784
            chunks = [body[:need]]
            got = len(chunks[0])
            while got < need:
                block = response.read(min(1 << 16, need - got))
                if not block:
                    raise MlplayError(f"QuickDraw {name}: the download ended early ({got} of {need} bytes)")
                chunks.append(block)
                got += len(block)
    except urllib.error.HTTPError as e:
        hint = "class names are QuickDraw's, e.g. cat, house, smiley face" if e.code == 404 else OFFLINE_HINT
        raise MlplayError(f"QuickDraw {name}: {url} answered HTTP {e.code}", hint) from None
    except (urllib.error.URLError, OSError) as e:
        raise MlplayError(f"cannot reach QuickDraw ({getattr(e, 'reason', e)})", OFFLINE_HINT) from None
    array = np.frombuffer(b"".join(chunks), np.uint8).reshape(rows, 784)
    with atomic_path(dest) as tmp, open(tmp, "wb") as f:
        np.save(f, array)
    return rows


def _verify(path: Path, entry: dict) -> None:
    if sha256_file(path) != entry["sha256"]:
        raise MlplayError(f"{path} does not match the checksum recorded when it was fetched",
                          f"delete it and fetch again: mlplay data fetch quickdraw --classes {path.stem}")


def _read_json(path: Path) -> dict:
    return json.loads(path.read_text()) if path.exists() else {}


def load(where: Path | None = None, per_class: int | None = None, test_fraction: float = TEST_FRACTION):
    """(x_train, y_train, x_test, y_test, labels) from a folder of QuickDraw .npy files.

    The fetched folder uses its `selection.json` (classes in that order); any other folder takes every .npy in it.
    """
    where = Path(where or folder())
    selection = _read_json(where / SELECTION_FILE)
    sums = _read_json(where / SUMS_FILE)
    classes = selection.get("classes") or sorted(p.stem for p in where.glob("*.npy"))
    if not classes:
        raise MlplayError(f"no QuickDraw .npy files in {where}", "run: mlplay data fetch quickdraw --classes cat,house")
    per_class = per_class or selection.get("per_class")
    parts = {"x_train": [], "y_train": [], "x_test": [], "y_test": []}
    for index, name in enumerate(classes):
        path = where / f"{name}.npy"
        if not path.exists():
            raise MlplayError(f"{path} is missing", f"run: mlplay data fetch quickdraw --classes {name}")
        if name in sums:
            _verify(path, sums[name])
        try:
            bitmaps = np.load(path, mmap_mode="r")
        except ValueError as e:
            raise MlplayError(f"{path} is not a .npy file ({e})") from None
        if bitmaps.ndim != 2 or bitmaps.shape[1] != 784:
            raise MlplayError(f"{path}: expected N×784 bitmaps, got {bitmaps.shape}")
        bitmaps = np.asarray(bitmaps[:per_class], np.uint8).reshape(-1, 28, 28)
        n_test = max(1, int(round(len(bitmaps) * test_fraction)))
        if len(bitmaps) - n_test < 1:
            raise MlplayError(f"{path} has only {len(bitmaps)} drawing(s): too few to split")
        for split, part in (("train", bitmaps[:-n_test]), ("test", bitmaps[-n_test:])):
            parts[f"x_{split}"].append(part)
            parts[f"y_{split}"].append(np.full(len(part), index, np.int64))
    arrays = {k: np.concatenate(v) for k, v in parts.items()}
    return arrays["x_train"], arrays["y_train"], arrays["x_test"], arrays["y_test"], classes
