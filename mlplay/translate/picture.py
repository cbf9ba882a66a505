"""The attention picture of `mlplay translate --text "…" --attention out.png`: English words across the top, the
French words the model wrote down the side, each cell as dark as the attention that French word paid to that
English word (with its percentage). Drawn with Pillow in a system font that has French accents (DejaVu Sans, Arial),
or Pillow's bundled font where there is none (OpenCV's fonts have no accents).
"""

from pathlib import Path

import numpy as np

from mlplay.errors import MlplayError
from mlplay.fileio import atomic_path
from mlplay.translate.translator import Translation, word_attention

CELL_H, MIN_CELL_W, PAD = 34, 48, 16
SUFFIXES = (".png", ".jpg", ".jpeg")


def matrix(translation: Translation) -> tuple[list[str], list[str], np.ndarray]:
    """All sentences of a line side by side: (English words, French words, weights), block by block."""
    parts = [word_attention(s) for s in translation.sentences]
    english = [w for e, _, _ in parts for w in e]
    french = [w for _, f, _ in parts for w in f]
    weights = np.zeros((len(french), len(english)), np.float32)
    r = c = 0
    for e, f, m in parts:
        weights[r : r + len(f), c : c + len(e)] = m
        r, c = r + len(f), c + len(e)
    return english, french, weights


FONTS = ("DejaVuSans.ttf", "Arial.ttf", "arial.ttf")  # Pillow looks for them in the system's font folders


def _font(size: int):
    """A font with French accents: Pillow's bundled one has none ("Où" would show a box)."""
    from PIL import ImageFont

    for name in FONTS:
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)


def draw(english: list[str], french: list[str], weights: np.ndarray, title: list[str]):
    from PIL import Image, ImageDraw

    font, small = _font(17), _font(12)
    scratch = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    width = lambda text, f=font: int(scratch.textlength(text, font=f))  # noqa: E731
    columns = [max(MIN_CELL_W, width(w) + 12) for w in english]
    corner = "rows: French, columns: English"
    left = max([width(w) for w in french] + [width(corner, small)]) + 2 * PAD
    top = PAD + (len(title) + 1) * 24 + CELL_H
    wide = max([left + sum(columns) + PAD] + [width(t) + 2 * PAD for t in title])
    size = (wide, top + CELL_H * len(french) + 2 * PAD)
    image = Image.new("RGB", size, "white")
    pen = ImageDraw.Draw(image)
    for i, line in enumerate(title):
        pen.text((PAD, PAD + 24 * i), line, fill=(40, 40, 40) if i else (110, 110, 110), font=font)
    pen.text((PAD, top - CELL_H + 10), corner, fill=(120, 120, 120), font=small)
    x = left
    for word, w in zip(english, columns):
        pen.text((x + (w - width(word)) // 2, top - CELL_H + 6), word, fill=(20, 20, 20), font=font)
        x += w
    for r, word in enumerate(french):
        y = top + r * CELL_H
        pen.text((left - PAD - width(word), y + 7), word, fill=(20, 20, 20), font=font)
        x = left
        for c, w in enumerate(columns):
            v = float(weights[r, c])
            shade = (int(255 - 225 * v), int(255 - 190 * v), int(255 - 90 * v))  # white → deep blue
            pen.rectangle((x, y, x + w - 1, y + CELL_H - 1), fill=shade, outline=(225, 225, 225))
            if v >= 0.05:
                label = f"{round(100 * v)}"
                pen.text((x + (w - width(label, small)) // 2, y + 10), label, font=small,
                         fill="white" if v > 0.5 else (40, 40, 40))
            x += w
    pen.text((PAD, size[1] - PAD - 12), "each row: how much that French word looked at each English word (%)",
             fill=(120, 120, 120), font=small)
    return image


def save(translation: Translation, path: Path, title: list[str]) -> Path:
    """Draw the attention of `translation` into `path` (.png or .jpg) under the `title` lines; atomically."""
    path = Path(path)
    if path.suffix.lower() not in SUFFIXES:
        raise MlplayError(f"--attention {path}: give a .png or .jpg file name")
    english, french, weights = matrix(translation)
    if not french:
        raise MlplayError("the translation is empty: no attention to draw")
    image = draw(english, french, weights, title)
    with atomic_path(path, suffix=path.suffix) as tmp:
        image.save(tmp)
    return path
