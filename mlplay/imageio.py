"""Read user images safely: any size, bit depth or channel count; one-line errors otherwise."""

import os
import struct
import sys
from pathlib import Path

import cv2

# errors only: a truncated file gets our one-line error, not OpenCV's warning too
cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_ERROR)
import numpy as np  # noqa: E402

from mlplay import MAX_IMAGE_PIXELS as MAX_PIXELS  # noqa: E402 - OpenCV's own limit, set in mlplay/__init__.py
from mlplay.errors import MlplayError  # noqa: E402


def read_grey(path: str | Path) -> np.ndarray:
    """An 8-bit greyscale array; transparent pixels count as background."""
    img = _read(path)
    if img.ndim == 3 and img.shape[2] == 4:
        alpha = img[..., 3:4].astype(np.float32) / 255
        white = np.full_like(img[..., :3], 255)
        img = (img[..., :3] * alpha + white * (1 - alpha)).astype(np.uint8)
    if img.ndim == 3:
        img = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
    return img


def read_bgr(path: str | Path) -> np.ndarray:
    img = _read(path)
    if img.ndim == 2:
        return cv2.cvtColor(img, cv2.COLOR_GRAY2BGR)
    if img.shape[2] == 4:
        return cv2.cvtColor(img, cv2.COLOR_BGRA2BGR)
    return img


# The first bytes of the picture formats OpenCV reads: a file that starts like one and does not decode is damaged.
SIGNATURES = {b"\xff\xd8": "JPEG", b"\x89PNG": "PNG", b"BM": "BMP", b"II*\x00": "TIFF", b"MM\x00*": "TIFF",
              b"RIFF": "WebP", b"GIF8": "GIF"}


def check_file(path: Path) -> None:
    """A one-line error unless `path` is a regular file that can be opened (names FIFOs, folders, link loops)."""
    import errno
    import stat

    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise MlplayError(f"no such file: {path}") from None
    except OSError as e:
        if e.errno == errno.ELOOP:
            raise MlplayError(f"{path} is a loop of symbolic links, not a file") from None
        raise MlplayError(f"cannot read {path}: {e.strerror}") from None
    if not stat.S_ISREG(mode):
        kind = ("a folder" if stat.S_ISDIR(mode) else "a FIFO (named pipe)" if stat.S_ISFIFO(mode) else
                "a socket" if stat.S_ISSOCK(mode) else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
                else "not a regular file")
        raise MlplayError(f"{path} is {kind}, not a picture file")


def _read(path: str | Path) -> np.ndarray:
    path = Path(path)
    check_file(path)
    try:
        data = np.fromfile(path, dtype=np.uint8)
    except OSError as e:
        raise MlplayError(f"cannot read {path}: {e.strerror}") from None
    if data.size == 0:
        raise MlplayError(f"{path} is empty")
    try:  # IMREAD_UNCHANGED keeps alpha and 16 bits but ignores the EXIF orientation: applied below
        img, kinds, metadata = cv2.imdecodeWithMetadata(data, cv2.IMREAD_UNCHANGED)
    except cv2.error:  # OpenCV refuses images over OPENCV_IO_MAX_IMAGE_PIXELS
        raise MlplayError(f"{path} is too large or malformed", f"at most {MAX_PIXELS:,} pixels") from None
    if img is None or img.size == 0:
        head = bytes(data[:4])
        kind = next((name for magic, name in SIGNATURES.items() if head.startswith(magic)), None)
        if kind:
            raise MlplayError(f"{path} is a damaged {kind} file (it does not decode: truncated or corrupted)")
        raise MlplayError(f"cannot read {path} as an image", "use PNG, JPEG, BMP, TIFF or WebP")
    exif = [bytes(np.asarray(m, np.uint8).ravel()) for k, m in zip(kinds, metadata) if k == cv2.IMAGE_METADATA_EXIF]
    img = upright(img, exif_orientation(exif[0]) if exif else 1)
    if img.shape[0] * img.shape[1] > MAX_PIXELS:
        raise MlplayError(f"{path} is too large ({img.shape[1]}×{img.shape[0]} pixels)")
    if img.dtype != np.uint8:  # 16-bit or float images: scale to 8 bits
        img = img.astype(np.float64)
        top = img.max() or 1.0
        img = (img * (255.0 / top)).clip(0, 255).astype(np.uint8)
    return img


# EXIF orientation (1–8) → the flips and turns that make the stored pixels upright, in order
_UPRIGHT = {2: ("flip",), 3: ("turn180",), 4: ("flip", "turn180"), 5: ("flip", "turn270"), 6: ("turn90",),
            7: ("flip", "turn90"), 8: ("turn270",)}
_STEPS = {"flip": lambda a: cv2.flip(a, 1), "turn90": lambda a: cv2.rotate(a, cv2.ROTATE_90_CLOCKWISE),
          "turn180": lambda a: cv2.rotate(a, cv2.ROTATE_180),
          "turn270": lambda a: cv2.rotate(a, cv2.ROTATE_90_COUNTERCLOCKWISE)}


def upright(img: np.ndarray, orientation: int) -> np.ndarray:
    """The picture as the camera saw it: a phone stores it sideways or upside down and says so in EXIF."""
    for step in _UPRIGHT.get(orientation, ()):
        img = _STEPS[step](img)
    return img


def exif_orientation(exif: bytes) -> int:
    """The Orientation tag (0x0112) of an EXIF block (a TIFF header and its first directory); 1 when absent."""
    exif = exif[6:] if exif.startswith(b"Exif\0\0") else exif
    order = {b"II": "<", b"MM": ">"}.get(exif[:2])
    try:
        (first,) = struct.unpack_from(order + "I", exif, 4)
        (count,) = struct.unpack_from(order + "H", exif, first)
        for i in range(count):
            tag, kind, _, value = struct.unpack_from(order + "HHIH", exif, first + 2 + 12 * i)
            if tag == 0x0112 and kind == 3:  # SHORT
                return value if 1 <= value <= 8 else 1
    except (TypeError, struct.error):  # no byte order mark, or a directory that runs past the end
        pass
    return 1


IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp"}


def images_in(folder: Path) -> list[Path]:
    """The image files directly in a folder, sorted by name (hidden files left out)."""
    return sorted(p for p in Path(folder).iterdir()
                  if p.suffix.lower() in IMAGE_SUFFIXES and not p.name.startswith("."))


def image_files(paths: list[Path]) -> list[Path]:
    """Files as given, folders expanded to their images (sorted); a missing file stays in the list, so the batch
    reports it with the others (see `Batch`)."""
    found = []
    for path in map(Path, paths):
        found += images_in(path) if path.is_dir() else [path]
    if not found:
        raise MlplayError("no images found", "give image files or folders holding .png/.jpg files")
    return found


SKIPPED: list[str] = []  # every picture skipped by this process (`skip`), e.g. for the training loop's summary


def skip(error: MlplayError) -> None:
    """Skip a picture that cannot be read: a one-line warning, and it is counted."""
    print(f"Warning: skipped {error}", file=sys.stderr, flush=True)
    SKIPPED.append(str(error))


MIN_SIDE = 16  # pixels: a picture smaller than this on a side holds too little for any model here


class Batch:
    """The images a command is given (`predict`, `classify`, `detect` alike): iterating yields (path, image) for
    each readable one and skips each bad one with a one-line warning (`strict`: stops at the first); `done()` then
    fails, exit 1, if any was skipped. Pictures smaller than MIN_SIDE on a side count as bad."""

    def __init__(self, paths: list[Path], read=read_bgr, strict: bool = False):
        self.files, self.read, self.strict, self.failed = image_files(paths), read, strict, 0

    def __iter__(self):
        for path in self.files:
            try:
                image = self.read(path)
                if min(image.shape[:2]) < MIN_SIDE:
                    raise MlplayError(f"{path} is too small ({image.shape[1]}×{image.shape[0]} pixels)",
                                      f"give pictures of at least {MIN_SIDE}×{MIN_SIDE}")
            except MlplayError as e:
                if self.strict:
                    raise
                skip(e)
                self.failed += 1
                continue
            yield path, image

    def done(self) -> None:
        if self.failed:
            raise MlplayError(f"{self.failed} of {len(self.files)} images could not be read (skipped)",
                              "--strict stops at the first")


# -- ink: drawings and scans as white ink on black, cropped and scaled --

INK_THRESHOLD = 32  # grey levels (0–255) below this count as background


def ink_bbox(img: np.ndarray) -> tuple[int, int, int, int] | None:
    """(top, bottom, left, right), exclusive ends, of the pixels brighter than the threshold."""
    rows = np.flatnonzero((img > INK_THRESHOLD).any(axis=1))
    cols = np.flatnonzero((img > INK_THRESHOLD).any(axis=0))
    if rows.size == 0:
        return None
    return rows[0], rows[-1] + 1, cols[0], cols[-1] + 1


def fit_box(img: np.ndarray, box: float) -> np.ndarray:
    """Crop to the ink and scale so the longer side is `box` pixels (rounded), keeping the aspect ratio."""
    bbox = ink_bbox(img)
    if bbox is None:
        return np.zeros((round(box), round(box)), np.uint8)
    top, bottom, left, right = bbox
    crop = img[top:bottom, left:right]
    h, w = crop.shape
    scale = box / max(h, w)
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    interpolation = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
    return cv2.resize(crop, size, interpolation=interpolation)


def as_white_on_black(grey: np.ndarray) -> np.ndarray:
    """Scans and drawings are usually dark ink on paper: invert when the border is bright."""
    border = np.concatenate([grey[0], grey[-1], grey[:, 0], grey[:, -1]])
    return 255 - grey if np.median(border) > 127 else grey
