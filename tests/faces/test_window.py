"""`mlplay camera emotion` in a real window on Xvfb: the window shows the face with its expression and the panel,
q quits, the close button quits; the speed summary is printed at exit."""

import shutil
import subprocess
from pathlib import Path

import cv2
import numpy as np
import pytest

from facevideo import face_video
from xwindow import Window, start_window_manager

pytestmark = [pytest.mark.window]


def start(mlplay, display, video):
    return mlplay.popen("camera", "emotion", "--source", video, env=display)


def screenshot(window: Window, path: Path) -> np.ndarray:
    if not shutil.which("import"):
        pytest.skip("needs ImageMagick's import (apt-get install imagemagick)")
    subprocess.run(["import", "-window", window.id, str(path)], env=window.env, check=True, timeout=30)
    return cv2.imread(str(path))


def test_the_window_shows_the_face_and_its_expression_and_q_quits(display, tmp_path, mlplay):
    app = start(mlplay, display, face_video(tmp_path / "face.mp4", frames=600, empty=0))
    try:
        window = Window("mlplay - emotion", display, min_width=900, app=app)
        shot = screenshot(window, tmp_path / "shot.png")
        assert shot.shape[1] >= 900 and shot.shape[0] >= 480
        panel = shot[:, 640:]
        happy = np.array([0, 215, 255])  # the expression's colour: the panel's big label and the box
        assert (np.abs(panel.astype(int) - happy).max(axis=2) < 40).sum() > 200
        window.key("q")
        assert app.wait(timeout=30) == 0
        err = app.stderr.read()
        assert "speed:" in err and "face detection" in err and "Traceback" not in err
    finally:
        app.kill()


def test_closing_the_window_quits(display, tmp_path, mlplay):
    wm = start_window_manager(display)
    app = start(mlplay, display, face_video(tmp_path / "face.mp4", frames=600, empty=0))
    try:
        window = Window("mlplay - emotion", display, min_width=900, app=app)
        window.close()
        assert app.wait(timeout=30) == 0
        assert "window closed" in app.stderr.read()
    finally:
        app.kill()
        wm.terminate()

