"""QuickDraw's official 28×28 bitmaps (`numpy_bitmap/<class>.npy`, N×784 uint8), the first N of each class.

Each class file is streamed and cut after its first `per_class` drawings (the full files hold 100k+ each), saved
as `datasets/quickdraw/<class>.npy` with a corrected header, and its SHA-256 recorded the first time
(`SHA256SUMS.json`); later loads verify it. `selection.json` remembers which classes were fetched.
A local copy of official files serves as well: MLPLAY_QUICKDRAW_URL=file:///path/to/folder.
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
CREDIT = "CC BY 4.0, Google Creative Lab"  # the Quick, Draw! data set's licence and credit
DEFAULT_PER_CLASS = 5000
SUMS_FILE, SELECTION_FILE = "SHA256SUMS.json", "selection.json"
OFFLINE_HINT = "check your internet connection; offline, --data doodles trains on the generated doodles alone"


def folder() -> Path:
    return datasets_dir() / "quickdraw"


def cached() -> Path | None:
    return folder() if (folder() / SELECTION_FILE).exists() else None


def class_url(name: str, base: str | None = None) -> str:
    base = base or os.environ.get("MLPLAY_QUICKDRAW_URL", BASE_URL)
    return f"{base.rstrip('/')}/{urllib.parse.quote(name)}.npy"


def parse_classes(text: str) -> list[str]:
    """'cat,house' → the names; 'all' → Quick, Draw!'s 345 classes."""
    if text.strip() == "all":
        return official_classes()
    classes = [c.strip() for c in text.split(",") if c.strip()]
    if not classes:
        raise MlplayError("no classes given", "e.g. --classes cat,house,'smiley face' or --classes all")
    return check_classes(list(dict.fromkeys(classes)))


def check_classes(classes: list[str]) -> list[str]:
    """The names, each one of Quick, Draw!'s 345 (they become file names: nothing else may reach the disk)."""
    from mlplay.errors import closest

    official = set(official_classes())
    for name in classes:
        if name not in official:
            guess = closest(name, official)
            raise MlplayError(f"'{name}' is not a Quick, Draw! class",
                              f"did you mean {guess}?" if guess else "see mlplay/sketches/quickdraw_classes.txt")
    return classes


def fetch(classes: list[str], per_class: int = DEFAULT_PER_CLASS, base: str | None = None, log=print) -> Path:
    """Download the first `per_class` drawings of each class (skipping those already cached); return the folder."""
    if per_class < 2:
        raise MlplayError("--per-class must be at least 2 (some for training, some for the test)")
    sums = _read_json(folder() / SUMS_FILE)
    for name in check_classes(classes):
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
                read_header = (np.lib.format.read_array_header_1_0 if version == (1, 0)
                               else np.lib.format.read_array_header_2_0)
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


def official_classes() -> list[str]:
    """The 345 class names of Quick, Draw! (its categories.txt), in its order."""
    return (Path(__file__).with_name("quickdraw_classes.txt")).read_text().splitlines()


def class_files(where: Path | None = None, classes: list[str] | None = None) -> list[tuple[str, Path]]:
    """(class, .npy path) of the classes to train on, checked against the checksums recorded when fetched.

    `classes` None: the fetched folder's `selection.json` (classes in that order), or every .npy of another folder.
    """
    where = Path(where or folder())
    sums = _read_json(where / SUMS_FILE)
    classes = (classes or _read_json(where / SELECTION_FILE).get("classes")
               or sorted(p.stem for p in where.glob("*.npy")))
    if not classes:
        raise MlplayError(f"no QuickDraw .npy files in {where}", "run: mlplay data fetch quickdraw --classes cat,house")
    files = []
    for name in classes:
        path = where / f"{name}.npy"
        if not path.exists():
            raise MlplayError(f"{path} is missing", f"run: mlplay data fetch quickdraw --classes '{name}'")
        if name in sums:
            _verify(path, sums[name])
        files.append((name, path))
    return files
