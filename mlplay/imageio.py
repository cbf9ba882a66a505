"""Read user images safely: any size, bit depth or channel count; one-line errors otherwise."""

from pathlib import Path

import cv2

cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_ERROR)  # errors only: a truncated file gets our one-line error, not OpenCV's warning too
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


def _read(path: str | Path) -> np.ndarray:
    path = Path(path)
    if not path.is_file():
        raise MlplayError(f"no such image: {path}")
    data = np.fromfile(path, dtype=np.uint8)
    if data.size == 0:
        raise MlplayError(f"{path} is empty")
    try:
        img = cv2.imdecode(data, cv2.IMREAD_UNCHANGED)
    except cv2.error:  # OpenCV refuses images over OPENCV_IO_MAX_IMAGE_PIXELS
        raise MlplayError(f"{path} is too large or malformed", f"at most {MAX_PIXELS:,} pixels") from None
    if img is None or img.size == 0:
        raise MlplayError(f"cannot read {path} as an image", "use PNG, JPEG, BMP, TIFF or WebP")
    if img.shape[0] * img.shape[1] > MAX_PIXELS:
        raise MlplayError(f"{path} is too large ({img.shape[1]}×{img.shape[0]} pixels)")
    if img.dtype != np.uint8:  # 16-bit or float images: scale to 8 bits
        img = img.astype(np.float64)
        top = img.max() or 1.0
        img = (img * (255.0 / top)).clip(0, 255).astype(np.uint8)
    return img


IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp"}


def images_in(folder: Path) -> list[Path]:
    """The image files directly in a folder, sorted by name (hidden files left out)."""
    return sorted(p for p in Path(folder).iterdir() if p.suffix.lower() in IMAGE_SUFFIXES and not p.name.startswith("."))


def image_files(paths: list[Path]) -> list[Path]:
    """Files as given, folders expanded to their images (sorted); a missing path is an error."""
    found = []
    for path in map(Path, paths):
        if path.is_dir():
            found += images_in(path)
        elif path.exists():
            found.append(path)
        else:
            raise MlplayError(f"no such file or folder: {path}")
    if not found:
        raise MlplayError("no images found", "give image files or folders holding .png/.jpg files")
    return found


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
