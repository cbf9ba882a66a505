"""A strip of generated versions of the digit the classifier sees, for the drawing window (`g` there shows it).

Pure drawing on numpy arrays: `GeneratedStrip(draw, latent)(label, width)` → a BGR strip that width. The latent
vectors are fixed (seeded), so the strip holds still while you draw and changes only when the guess does.
"""

from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np

from mlplay.dream import latent
from mlplay.shell.window import BG, DIM, FG, text

HEIGHT, PICTURE, GAP, CAPTION = 84, 56, 6, 150


class GeneratedStrip:
    """`draw(z, digits)` is the generator (None when there is none: the strip says why, in `missing`)."""

    def __init__(self, draw: Callable | None, latent_size: int = 0, count: int = 8, seed: int = 0,
                 missing: str = ""):
        self.draw, self.count, self.missing = draw, count, missing
        self.z = latent.vectors(np.random.default_rng(seed), count, latent_size) if draw else None
        self.cache: dict[int, np.ndarray] = {}

    def pictures(self, digit: int) -> np.ndarray:
        if digit not in self.cache:
            self.cache[digit] = self.draw(self.z, np.full(self.count, digit))
        return self.cache[digit]

    def __call__(self, label: str | None, width: int) -> np.ndarray:
        img = np.full((HEIGHT, width, 3), BG, np.uint8)
        cv2.line(img, (0, 0), (width - 1, 0), (90, 90, 90), 1)
        if self.draw is None:
            text(img, self.missing, (12, HEIGHT // 2 + 5), 0.45, DIM)
            return img
        if label is None or label not in latent.DIGIT_LABELS:
            text(img, "draw a digit: the generator draws it too", (12, HEIGHT // 2 + 5), 0.45, DIM)
            return img
        text(img, "digits-gen draws", (12, 34), 0.45, DIM)
        text(img, f"a {label} like this:", (12, 56), 0.45, FG)
        top = (HEIGHT - PICTURE) // 2
        fits = max(0, (width - CAPTION) // (PICTURE + GAP))
        for i, picture in enumerate(self.pictures(int(label))[:fits]):
            x = CAPTION + i * (PICTURE + GAP)
            img[top:top + PICTURE, x:x + PICTURE] = cv2.resize(picture, (PICTURE, PICTURE))[..., None]
        return img


def for_draw_window(models_root: Path | None = None) -> GeneratedStrip:
    """The strip on the shipped generator; without one (not trained, damaged) a strip that says so."""
    from mlplay.dream.dreamer import Dreamer
    from mlplay.errors import MlplayError

    try:
        dreamer = Dreamer(models_root=models_root, threads=1)
    except MlplayError as e:
        return GeneratedStrip(None, missing=f"no generator: {e.message}"[:90])
    return GeneratedStrip(dreamer.draw, dreamer.latent)
