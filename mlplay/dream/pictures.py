"""`mlplay dream digits --out DIR`: generated digits written as PNG files, without a window.

Same seed, same pictures: the latent vectors come from the seed alone. Each file is written atomically, so an
interrupted run leaves only whole pictures.
"""

import json
import os
from pathlib import Path

import cv2
import numpy as np

from mlplay.dream import latent
from mlplay.errors import MlplayError
from mlplay.fileio import atomic_path

BATCH = 100  # pictures a generator call


def check_out(out: Path) -> Path:
    """A folder we can write into (made if missing), or a one-line error."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise MlplayError(f"--out {out} is a file, not a folder", "give a folder, e.g. --out threes")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise MlplayError(f"cannot make --out {out}: {e.strerror}", "choose a folder you can write to") from None
    if not os.access(out, os.W_OK | os.X_OK):
        raise MlplayError(f"cannot write into --out {out}: permission denied", "choose a folder you can write to")
    return out


def plan(digit: int | None, count: int, latent_size: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The digits (one given, else 0–9 in turn) and latent vectors of `count` pictures."""
    digits = np.full(count, digit) if digit is not None else np.arange(count) % latent.DIGITS
    return latent.vectors(np.random.default_rng(seed), count, latent_size), digits


def write(dreamer, digit: int | None, count: int, out: Path, seed: int, jsonl: bool, log=print) -> list[Path]:
    out = check_out(out)
    z, digits = plan(digit, count, dreamer.latent, seed)
    paths = []
    for start in range(0, count, BATCH):
        pictures = dreamer.draw(z[start:start + BATCH], digits[start:start + BATCH])
        for i, picture in enumerate(pictures, start):
            path = out / f"{digits[i]}-{i:04d}.png"
            with atomic_path(path, suffix=".png") as tmp:
                if not cv2.imwrite(str(tmp), picture):
                    raise MlplayError(f"cannot write {path}")
            paths.append(path)
            if jsonl:
                log(json.dumps({"path": str(path), "digit": int(digits[i]), "index": i, "seed": seed}))
    if not jsonl:
        what = f"{count} pictures of {digit}" if digit is not None else f"{count} pictures of the digits 0–9"
        log(f"wrote {what} to {out}/ (seed {seed}: the same seed writes the same pictures)")
    return paths
