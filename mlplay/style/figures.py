"""The pictures in docs/style.md, made from real photos (run by hand; nothing here is used at run time):

    python -m mlplay.style.figures ../shared/data/pretrained/photos docs/img

- `style-aspect.jpg`: three ways to fit a photo to the network's fixed 384×384 input, on a tall and a wide photo at
  their own sizes: squash it into the square and stretch the result back; scale its longer side to 384 and fill
  the square out by mirroring (what mlplay does); paint the full-size photo in overlapping 384×384 tiles and blend
  them. Under each, a detail at full size;
- `style-gallery.jpg`: every shipped style on two photos, at strength 1 and 0.5, under its painting.
"""

import sys
from pathlib import Path

import cv2
import numpy as np

from mlplay.style.stylise import SIZE, letterbox

TILE_OVERLAP = 64


def squashed(styliser, photo: np.ndarray, bottleneck: np.ndarray) -> np.ndarray:
    """The photo squashed into the square, painted, stretched back (the aspect ratio is lost inside the network)."""
    square = cv2.resize(photo, (SIZE, SIZE), interpolation=cv2.INTER_AREA)
    painted = styliser.paint_square(square, bottleneck)
    return cv2.resize(painted, (photo.shape[1], photo.shape[0]), interpolation=cv2.INTER_CUBIC)


def tiled(styliser, photo: np.ndarray, bottleneck: np.ndarray, overlap: int = TILE_OVERLAP) -> np.ndarray:
    """The full-size photo painted in 384×384 tiles overlapping by `overlap` pixels, blended with linear ramps."""
    height, width = photo.shape[:2]

    def starts(length):
        if length <= SIZE:
            return [0]
        count = int(np.ceil((length - overlap) / (SIZE - overlap)))
        return [round(i * (length - SIZE) / (count - 1)) for i in range(count)]

    total = np.zeros((height, width, 3), np.float64)
    weight = np.zeros((height, width, 1), np.float64)
    for top in starts(height):
        for left in starts(width):
            piece = photo[top:top + SIZE, left:left + SIZE]
            square, (t, x, h, w) = letterbox(piece)  # a piece smaller than a tile is mirrored out like a photo
            painted = styliser.paint_square(square, bottleneck)[t:t + h, x:x + w]
            painted = cv2.resize(painted, (piece.shape[1], piece.shape[0]), interpolation=cv2.INTER_AREA)
            ramp = edge_ramp(piece.shape[0], overlap)[:, None] * edge_ramp(piece.shape[1], overlap)[None, :]
            ramp = ramp[..., None]
            total[top:top + piece.shape[0], left:left + piece.shape[1]] += painted * ramp
            weight[top:top + piece.shape[0], left:left + piece.shape[1]] += ramp
    return np.clip(total / np.maximum(weight, 1e-9) + 0.5, 0, 255).astype(np.uint8)


def edge_ramp(n: int, overlap: int) -> np.ndarray:
    """Weights that rise linearly from the edges over `overlap` pixels: neighbouring tiles fade into each other."""
    i = np.arange(n)
    return np.minimum(1.0, (np.minimum(i, n - 1 - i) + 1) / overlap)


def label(image: np.ndarray, caption: str) -> np.ndarray:
    from mlplay.shell.window import fit_scale

    band = np.full((30, image.shape[1], 3), 32, np.uint8)
    scale = fit_scale(caption, image.shape[1] - 12, 0.55)
    cv2.putText(band, caption, (6, 21), cv2.FONT_HERSHEY_SIMPLEX, scale, (235, 235, 235), 1, cv2.LINE_AA)
    return np.vstack([band, image])


def fit_height(image: np.ndarray, height: int) -> np.ndarray:
    return cv2.resize(image, (round(image.shape[1] * height / image.shape[0]), height), interpolation=cv2.INTER_AREA)


def aspect_figure(model, photos: Path, style_name: str = "starry_night") -> np.ndarray:
    """For each photo at its own size: the photo and the three ways, scaled to one height, and under each a detail
    at full size (the same place in all four), where the shape of the brush strokes shows."""
    from mlplay.style.data import read_picture

    bottleneck = model.bottlenecks(model.style(style_name))
    rows = []
    for name, (y, x) in (("parrot.jpg", (330, 150)), ("kite_and_cold.jpg", (560, 60))):
        photo = read_picture(photos / name)
        cells = [("photo", photo), ("squash and back", squashed(model.styliser, photo, bottleneck)),
                 ("mirror out (mlplay)", model.styliser(photo, bottleneck)),
                 ("tiles, blended", tiled(model.styliser, photo, bottleneck))]
        height, detail = 280, 180
        columns = []
        for caption, image in cells:
            small = fit_height(image, height)
            zoom = image[y:y + detail, x:x + detail]
            zoom = np.pad(zoom, ((4, 0), (0, max(0, small.shape[1] - detail)), (0, 0)), constant_values=255)
            small = np.pad(small, ((0, 0), (0, max(0, detail - small.shape[1])), (0, 0)), constant_values=255)
            columns.append(np.pad(label(np.vstack([small, zoom]), caption), ((0, 0), (0, 6), (0, 0)),
                                  constant_values=255))
        rows.append(np.hstack(columns))
    width = max(r.shape[1] for r in rows)
    return np.vstack([np.pad(r, ((0, 10), (0, width - r.shape[1]), (0, 0)), constant_values=255) for r in rows])


def gallery(model, photos: Path) -> np.ndarray:
    from mlplay.style.data import read_picture

    pictures = [read_picture(photos / name) for name in ("cat.bmp", "grace_hopper.bmp")]
    columns = []
    for style in model.styles:
        bottleneck = model.bottlenecks(style)
        cells = [label(fit_height(read_picture(style.path, "style picture"), 150)[:, :220], style.name)]
        for picture in pictures:
            for strength in (1.0, 0.5):
                painted = fit_height(model.styliser(picture, bottleneck, strength), 150)
                cells.append(label(painted[:, :220], f"strength {strength:g}"))
        width = max(c.shape[1] for c in cells)
        columns.append(np.vstack([np.pad(c, ((0, 4), (0, width - c.shape[1]), (0, 0)), constant_values=255)
                                  for c in cells]))
    return np.hstack([np.pad(c, ((0, 0), (0, 6), (0, 0)), constant_values=255) for c in columns])


def main(argv: list[str]) -> None:
    if len(argv) != 2:
        sys.exit("usage: python -m mlplay.style.figures PHOTOS_FOLDER OUT_FOLDER")
    from mlplay.style.painter import StyleModel

    photos, out = Path(argv[0]), Path(argv[1])
    out.mkdir(parents=True, exist_ok=True)
    model = StyleModel()
    for name, image in (("style-aspect.jpg", aspect_figure(model, photos)),
                        ("style-gallery.jpg", gallery(model, photos))):
        cv2.imwrite(str(out / name), image, [cv2.IMWRITE_JPEG_QUALITY, 85])
        print(out / name)


if __name__ == "__main__":
    main(sys.argv[1:])
