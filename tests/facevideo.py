"""A video of the shipped face photo for the faces tests: the face drifting to and fro, then a bare wall."""

from pathlib import Path

import cv2
import numpy as np

from mlplay.paths import REPO

ASTRONAUT = REPO / "mlplay" / "faces" / "sample-face" / "astronaut.jpg"


def face_video(path: Path, frames: int = 40, empty: int = 10, size=(640, 480)) -> Path:
    """The shipped face crop enlarged in a 640×480 frame, drifting sideways, then `empty` frames of a bare wall."""
    face = cv2.resize(cv2.imread(str(ASTRONAUT)), (330, 330))
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), 30, size)
    for i in range(frames + empty):
        frame = np.full((size[1], size[0], 3), (70, 90, 110), np.uint8)
        if i < frames:
            x = 60 + abs((4 * i) % 480 - 240)  # to and fro across the frame
            frame[75:405, x:x + 330] = face
        writer.write(frame)
    writer.release()
    return path
