"""Test material for style transfer: real photos when ../shared/data is beside the clone, and a video made from them
(or from generated pictures when they are absent) to feed `mlplay camera style --source VIDEO`."""

from pathlib import Path

import cv2
import numpy as np

from helpers import shared_data


def photos_dir() -> Path | None:
    shared = shared_data()
    folder = shared / "pretrained" / "photos" if shared else None
    return folder if folder and folder.is_dir() else None


def generated_picture(size=(341, 512), seed=0) -> np.ndarray:
    """A smooth colour field with a disc and a bar: something with edges and flat parts to paint."""
    rng = np.random.default_rng(seed)
    small = rng.integers(0, 255, (max(2, size[0] // 40), max(2, size[1] // 40), 3), dtype=np.uint8)
    image = cv2.resize(small, (size[1], size[0]), interpolation=cv2.INTER_CUBIC)
    cv2.circle(image, (size[1] // 3, size[0] // 2), size[0] // 5, (245, 245, 245), -1)
    cv2.rectangle(image, (size[1] // 2, size[0] // 4), (size[1] * 3 // 4, size[0] * 3 // 4), (30, 60, 200), -1)
    return image


def photo_video(path: Path, seconds: float = 4.0, fps: float = 30.0, size=(640, 480)) -> Path:
    """A video that pans slowly across the real photos (one a second), or across generated pictures."""
    folder = photos_dir()
    if folder:
        pictures = [cv2.imread(str(p)) for p in sorted(folder.iterdir()) if p.suffix in (".jpg", ".bmp")]
    else:
        pictures = [generated_picture((600, 800), seed) for seed in range(4)]
    width, height = size
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, (width, height))
    total = int(seconds * fps)
    for i in range(total):
        picture = pictures[int(i / fps) % len(pictures)]
        scale = max(width / picture.shape[1], height / picture.shape[0]) * 1.15  # a little larger, to pan across
        big = cv2.resize(picture, (round(picture.shape[1] * scale) + 1, round(picture.shape[0] * scale) + 1))
        shift = (i % int(fps)) / fps  # 0 → 1 across each second
        x = int(shift * (big.shape[1] - width))
        y = int(shift * (big.shape[0] - height) / 2)
        writer.write(np.ascontiguousarray(big[y:y + height, x:x + width]))
    writer.release()
    return path
