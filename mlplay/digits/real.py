"""Real handwritten digits that are not MNIST: what the digit cards are judged on beside MNIST's test set.

Three sets, never trained on (`mlplay data fetch digits-real --data DIR` copies them from a folder that holds them,
each file checked against the SHA-256 below, into datasets/digits-real/):

- USPS (`usps-train.npz`): 7,291 digits scanned from US postal envelopes, 16×16 grey, white on black, each
  digit stretched to fill its box. Read as `mlplay predict` reads a picture.
- UCI optdigits (`optdigits-first1000.npz`): the first 1,000 digits of `optdigits-orig.tra`, 32×32 binary
  bitmaps of forms filled in by 43 people (Alpaydin & Kaynak, CC BY 4.0). Read as `mlplay predict` reads a picture.
- UCI pendigits (`pendigits.tra`): 7,494 digits written on a tablet by 30 people (Alpaydin & Alimoglu, CC BY 4.0),
  each the pen's path resampled to 8 points in 0–100, y upwards. Drawn through the drawing window, as a mouse
  stroke through the 8 points (`pen_strokes`).
"""

from pathlib import Path

import numpy as np

from mlplay.download import sha256_file
from mlplay.errors import MlplayError
from mlplay.fileio import atomic_path
from mlplay.paths import datasets_dir

FILES = {  # name: (file, SHA-256, what)
    "usps": ("usps-train.npz", "b21241c4e22dfd6944463797a2b801e6728b9c258878ce70e02aca52a5014d49",
             "USPS, 7,291 scanned postal digits"),
    "optdigits": ("optdigits-first1000.npz", "d1a45b655e5b2444ae6f4ad0d97bb7ba46f633c1016af516e98f5302e9cc0118",
                  "UCI optdigits, the first 1,000 form digits (43 writers)"),
    "pendigits": ("pendigits.tra", "964e13f369674414bbe0118aa2288a745aac37fd7f0c00a18c2973de25727f6c",
                  "UCI pendigits, 7,494 tablet pen paths (30 writers)"),
}
CREDIT = ("USPS (public research set); UCI optdigits and pendigits, CC BY 4.0 (Alpaydin & Kaynak; "
          "Alpaydin & Alimoglu)")
HINT = "copy them from a folder that holds them: mlplay data fetch digits-real --data DIR"


def folder() -> Path:
    return datasets_dir() / "digits-real"


def cached() -> Path | None:
    return folder() if all((folder() / file).is_file() for file, _, _ in FILES.values()) else None


def fetch(data: Path | None = None, log=print) -> Path:
    """Copy the three files from `data` (a folder), each checked by SHA-256; files already here are kept."""
    for file, digest, what in FILES.values():
        dest = folder() / file
        if dest.is_file() and sha256_file(dest) == digest:
            continue
        if data is None:
            raise MlplayError(f"{what} is not here ({dest})", HINT)
        source = Path(data) / file if Path(data).is_dir() else Path(data).with_name(file)
        if not source.is_file():
            raise MlplayError(f"no {file} in {data}", "--data names a folder holding " +
                              ", ".join(f for f, _, _ in FILES.values()))
        if sha256_file(source) != digest:
            raise MlplayError(f"{source} is not the expected {what} (its SHA-256 differs)")
        with atomic_path(dest) as tmp:
            tmp.write_bytes(source.read_bytes())
        log(f"{what} → {dest}")
    return folder()


def _path(name: str) -> Path:
    file, digest, what = FILES[name]
    path = folder() / file
    if not path.is_file():
        raise MlplayError(f"{what} is not here ({path})", HINT)
    return path


def usps() -> tuple[np.ndarray, np.ndarray]:
    """(N×16×16 uint8 white on black, N labels)."""
    with np.load(_path("usps")) as z:
        return z["x"], z["y"].astype(np.int64)


def optdigits() -> tuple[np.ndarray, np.ndarray]:
    """(N×32×32 uint8, 0 or 255, white on black, N labels)."""
    with np.load(_path("optdigits")) as z:
        return z["x"], z["y"].astype(np.int64)


def pendigits() -> tuple[np.ndarray, np.ndarray]:
    """(N×8×2 pen positions in 0–100, y upwards, N labels)."""
    table = np.loadtxt(_path("pendigits"), delimiter=",", dtype=np.float64)
    return table[:, :16].reshape(-1, 8, 2), table[:, 16].astype(np.int64)


ASPECT = 0.8  # the median width-to-height of MNIST's training digits (their ink boxes): pendigits scales each axis
# to 0–100 apart, so a writer's own aspect is lost and the paths are drawn at a typical one


def pen_strokes(points: np.ndarray, canvas: int = 400, height: float = 0.6, aspect: float = ASPECT):
    """A pen path (8 points in 0–100 on each axis, y up) as the one mouse stroke a person would make on the window's
    canvas: y turned downwards, `aspect` times as wide as tall, `height` of the canvas tall, centred, at integer
    pixel positions."""
    p = np.asarray(points, np.float64) / 100.0 * [aspect, -1.0]
    centre = (p.min(axis=0) + p.max(axis=0)) / 2
    placed = (p - centre) * height * canvas + canvas / 2
    return [[(int(round(x)), int(round(y))) for x, y in placed]]


def window_input(points: np.ndarray, canvas: int = 400) -> np.ndarray:
    """What the digit window gives its model after this pen path is drawn on its canvas with the mouse (press,
    moves through the points, release): the window's own canvas and renderer."""
    from mlplay.digits.reading import canvas_input
    from mlplay.draw.canvas import Canvas

    surface = Canvas(canvas)
    for stroke in pen_strokes(points, canvas):
        surface.begin(*stroke[0])
        for point in stroke[1:]:
            surface.extend(*point)
        surface.end()
    return canvas_input(surface)
