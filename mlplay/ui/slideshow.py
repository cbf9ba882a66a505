"""A window app that shows a list of prepared frames: any key for the next, q/Esc quits."""

import numpy as np


class SlideShow:
    def __init__(self, frames: list[np.ndarray]):
        self.frames, self.index = frames, 0
        self.running = bool(frames)

    def key(self, key: str) -> None:
        if key in ("q", "esc") or self.index + 1 >= len(self.frames):
            self.running = False
        else:
            self.index += 1

    def tick(self) -> None:
        pass

    def frame(self) -> np.ndarray:
        return self.frames[self.index]
