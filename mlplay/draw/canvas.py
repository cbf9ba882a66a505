"""A drawing surface kept as strokes (polylines) and as a screen image (pure numpy + cv2 arrays)."""

import cv2
import numpy as np

Point = tuple[int, int]


class Canvas:
    """Strokes drawn with a round pen; the screen image is updated segment by segment (O(1) a move)."""

    def __init__(self, size: int = 400, thickness: int = 22):
        self.size, self.thickness = size, thickness
        self.strokes: list[list[Point]] = []
        self.image = np.zeros((size, size), np.uint8)
        self.drawing = False
        self.version = 0  # bumped on every change: callers re-predict when it moves

    @property
    def empty(self) -> bool:
        return not self.strokes

    def begin(self, x: int, y: int) -> None:
        p = self._clip(x, y)
        self.strokes.append([p])
        self.drawing = True
        cv2.circle(self.image, p, self.thickness // 2, 255, -1, cv2.LINE_AA)
        self.version += 1

    def extend(self, x: int, y: int) -> None:
        if not self.drawing:
            return
        p = self._clip(x, y)
        last = self.strokes[-1][-1]
        if p == last:
            return
        self.strokes[-1].append(p)
        cv2.line(self.image, last, p, 255, self.thickness, cv2.LINE_AA)
        self.version += 1

    def end(self) -> bool:
        """Finish the stroke; True if one was in progress."""
        was, self.drawing = self.drawing, False
        return was

    def clear(self) -> None:
        self.strokes.clear()
        self.image[:] = 0
        self.drawing = False
        self.version += 1

    def _clip(self, x: int, y: int) -> Point:
        return int(np.clip(x, 0, self.size - 1)), int(np.clip(y, 0, self.size - 1))


def render_strokes(strokes: list[list[Point]], size: int, thickness: int) -> np.ndarray:
    """Draw strokes white on black into a size×size image with the given pen width."""
    img = np.zeros((size, size), np.uint8)
    for stroke in strokes:
        points = np.asarray(stroke, np.int32)
        if len(points) == 1:
            cv2.circle(img, tuple(int(v) for v in points[0]), max(1, thickness // 2), 255, -1, cv2.LINE_AA)
        else:
            cv2.polylines(img, [points], False, 255, thickness, cv2.LINE_AA)
    return img


def strokes_extent(strokes: list[list[Point]]) -> int:
    """The longer side of the strokes' bounding box, in pixels (0 for no strokes)."""
    if not strokes:
        return 0
    points = np.concatenate([np.asarray(s) for s in strokes])
    return int((points.max(axis=0) - points.min(axis=0)).max())
