"""A photo painted in a style, in three steps (Ghiasi et al. 2017, "Exploring the structure of a real-time, arbitrary
neural artistic stylization network"):

1. the style network reads the painting (its shorter side scaled to 256, the centre square) and sums up its style
   in 100 numbers, the style bottleneck;
2. `strength` blends that bottleneck with the photo's own (the style network on the photo), as Magenta's demo does:
   strength × painting + (1 − strength) × photo, so 0 keeps the photo's own look and 1 is the painting's;
3. the transfer network repaints the photo with the blended bottleneck.

The transfer network takes exactly 384×384 pixels (its input size is fixed in the file). To keep the photo's
aspect ratio, its longer side is scaled to 384 and the short side filled out to a square by mirroring the photo at
its edges (mirroring, not black bars: the network normalises over the whole square, and bars would darken and
smear the borders); the painted square is cut back to the photo and scaled to the size asked for.
docs/style.md shows this beside squashing the photo into the square and painting it in tiles.
"""

from collections.abc import Callable

import cv2
import numpy as np

from mlplay.litert import LiteModel

SIZE = 384  # the transfer network's input and output, fixed in the file
STYLE_SIZE = 256  # the style network's input


def to_input(bgr: np.ndarray) -> np.ndarray:
    """BGR uint8 → the networks' input: RGB, 0–1, a batch of one."""
    return (cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB).astype(np.float32) * (1 / 255))[None]


def centre_square(bgr: np.ndarray, size: int) -> np.ndarray:
    """The shorter side scaled to `size`, the centre square kept (how Magenta's demo prepares a style picture)."""
    height, width = bgr.shape[:2]
    scale = size / min(height, width)
    w, h = max(size, round(width * scale)), max(size, round(height * scale))
    image = cv2.resize(bgr, (w, h), interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR)
    top, left = (h - size) // 2, (w - size) // 2
    return image[top:top + size, left:left + size]


def letterbox(bgr: np.ndarray, size: int = SIZE) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """The longer side scaled to `size`, the shorter one filled out to a square by mirroring the picture at its
    edges; returns the square and the picture's place in it (top, left, height, width)."""
    height, width = bgr.shape[:2]
    scale = size / max(height, width)
    w, h = min(size, max(1, round(width * scale))), min(size, max(1, round(height * scale)))
    image = cv2.resize(bgr, (w, h), interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR)
    top, left = (size - h) // 2, (size - w) // 2
    square = cv2.copyMakeBorder(image, top, size - h - top, left, size - w - left, cv2.BORDER_REFLECT_101)
    return square, (top, left, h, w)


def blend(style: np.ndarray, own: np.ndarray | None, strength: float) -> np.ndarray:
    """strength × the painting's bottleneck + (1 − strength) × the photo's own."""
    if strength >= 1.0 or own is None:
        return style
    return (strength * style + (1.0 - strength) * own).astype(np.float32)


class Styliser:
    """`styliser(bgr, style_bottleneck, strength)` → the photo painted in that style, as BGR uint8.

    transfer: the transfer network; style_network: () → the style network, called only when first needed (a cached
    style at full strength never needs it)."""

    def __init__(self, transfer: LiteModel, style_network: Callable[[], LiteModel]):
        self.transfer, self._style_network, self._style = transfer, style_network, None
        names = [d["name"] for d in transfer.inputs]
        self.content_first = "content" in names[0]  # the file names its inputs; their order is not fixed

    def bottleneck(self, bgr: np.ndarray) -> np.ndarray:
        """The style network's 100 numbers for a picture ([1, 1, 1, 100])."""
        if self._style is None:
            self._style = self._style_network()
        return self._style.run(to_input(centre_square(bgr, STYLE_SIZE)))[0]

    def __call__(self, bgr: np.ndarray, style: np.ndarray, strength: float = 1.0,
                 size: tuple[int, int] | None = None) -> np.ndarray:
        """Paint `bgr` with the style bottleneck `style`; the result has `size` (width, height), by default the
        photo's own."""
        own = self.bottleneck(bgr) if strength < 1.0 else None
        square, (top, left, h, w) = letterbox(bgr)
        painted = self.paint_square(square, blend(style, own, strength))
        out = painted[top:top + h, left:left + w]
        size = size or (bgr.shape[1], bgr.shape[0])
        return cv2.resize(out, size, interpolation=cv2.INTER_CUBIC if size[0] > w else cv2.INTER_AREA)

    def paint_square(self, square: np.ndarray, bottleneck: np.ndarray) -> np.ndarray:
        """The transfer network on a SIZE×SIZE BGR picture → the painted square, BGR uint8."""
        content = to_input(square)
        rgb = self.transfer.run(*((content, bottleneck) if self.content_first else (bottleneck, content)))[0][0]
        return cv2.cvtColor(np.clip(rgb * 255 + 0.5, 0, 255).astype(np.uint8), cv2.COLOR_RGB2BGR)
