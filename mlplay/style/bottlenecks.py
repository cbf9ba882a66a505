"""Style bottlenecks, computed once a picture: kept in memory and on disk under datasets/style-bottlenecks/, by the
picture's SHA-256 and the style network's (another network gives other numbers).

A cached bottleneck is a 400-byte file read in well under a millisecond; computing one reads and decodes the
picture and runs the style network (`python -m mlplay.style.bench` measures both).
"""

from collections.abc import Callable
from pathlib import Path

import numpy as np

from mlplay.errors import MlplayError
from mlplay.fileio import atomic_path
from mlplay.style.data import Style, read_picture

SHAPE = (1, 1, 1, 100)


def default_folder() -> Path:
    from mlplay.paths import datasets_dir

    return datasets_dir() / "style-bottlenecks"


class Bottlenecks:
    """`bottlenecks(style)` → its [1, 1, 1, 100] bottleneck: from memory, else from disk, else computed and saved.

    compute: BGR picture → bottleneck (the style network); network_sha256: the style network file's SHA-256."""

    def __init__(self, compute: Callable[[np.ndarray], np.ndarray], network_sha256: str, folder: Path | None = None):
        self.compute, self.network = compute, network_sha256[:16]
        self.folder = Path(folder) if folder else default_folder()
        self.memory: dict[str, np.ndarray] = {}
        self.computed = 0  # how many had to be computed (the rest came from a cache)

    def path(self, style: Style) -> Path:
        return self.folder / f"{style.sha256}-{self.network}.npy"

    def __call__(self, style: Style) -> np.ndarray:
        if style.sha256 in self.memory:
            return self.memory[style.sha256]
        file = self.path(style)
        value = self._read(file)
        if value is None:
            value = self._compute(style)
            try:
                with atomic_path(file, ".npy") as tmp:
                    np.save(tmp, value)
            except OSError:  # a read-only data folder: the bottleneck still works, it is just not kept
                pass
        self.memory[style.sha256] = value
        return value

    def _read(self, file: Path) -> np.ndarray | None:
        try:
            value = np.load(file, allow_pickle=False)
        except (OSError, ValueError):  # not cached yet, or a damaged cache file: computed again
            return None
        return value.astype(np.float32) if value.shape == SHAPE and np.isfinite(value).all() else None

    def _compute(self, style: Style) -> np.ndarray:
        from mlplay.download import sha256_file

        picture = read_picture(style.path, "style picture")
        if sha256_file(style.path) != style.sha256:
            raise MlplayError(f"the style picture {style.path} is not the one that was chosen (its SHA-256 differs)",
                              "a shipped painting that changed is damaged: restore models/ from git")
        self.computed += 1
        return np.asarray(self.compute(picture), np.float32).reshape(SHAPE)
