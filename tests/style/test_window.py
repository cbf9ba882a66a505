"""End to end: the real `mlplay camera style` window on Xvfb, fed a video made from real photos, driven with xdotool:
painted frames are shown while the display keeps its pace, keys reach the app, s saves a snapshot, q and the close
button quit with a speed summary.

STYLE_SCREENSHOT=path.png keeps the window's screenshot (docs/img/camera-style.png is made this way)."""

import os
import re
import shutil
import subprocess
import time

import cv2
import numpy as np
import pytest

from stylevideo import photo_video
from xwindow import LineReader, Window, start_window_manager

pytestmark = [pytest.mark.window, pytest.mark.slow]
TITLE = "mlplay - style"


def start(mlplay, display, video, *args):
    app = mlplay.popen("camera", "style", "--source", video, *args, env=display)
    return app, LineReader(app.stderr)


def wait_for(lines: LineReader, pattern: str, timeout: float = 60) -> str:
    deadline = time.time() + timeout
    seen = []
    while time.time() < deadline:
        line = lines.next(timeout=max(0.1, deadline - time.time()))
        seen.append(line)
        if re.search(pattern, line):
            return line
    raise AssertionError(f"no line matching {pattern!r} in {seen}")


def drain(lines: LineReader) -> list[str]:
    """The lines left once the process has ended."""
    import queue

    found = []
    while True:
        try:
            found.append(lines.next(timeout=2))
        except queue.Empty:
            return found


def screenshot(window: Window, path) -> np.ndarray:
    window.retrying(20, "windowfocus", "--sync", window.id, output=False)  # as a key does: it may fail at first
    subprocess.run(["import", "-window", window.id, str(path)], env=window.env, check=True, timeout=30)
    return cv2.imread(str(path))


def look_until(window: Window, path, shows, seconds: float = 20) -> np.ndarray:
    """Screenshots until `shows(picture)` holds or `seconds` pass (a busy machine paints late); the last one."""
    deadline = time.time() + seconds
    while True:
        shot = screenshot(window, path)
        if shows(shot) or time.time() > deadline:
            return shot
        time.sleep(0.5)


def test_camera_style_window_paints_a_video_and_answers_its_keys(display, tmp_path, mlplay):
    can_look = bool(shutil.which("import"))  # ImageMagick's import takes the screenshots; without it, keys only
    video = photo_video(tmp_path / "photos.mp4", seconds=20.0)
    app, err = start(mlplay, display, video, "--style", "great_wave")
    try:
        assert "styles: great_wave" in wait_for(err, "^styles:")
        assert "640×480" in wait_for(err, "^opened video")
        window = Window(TITLE, display, min_width=640, app=app)
        time.sleep(3)  # a few painted frames
        window.key("s", pause=0.5)
        saved = wait_for(err, r"^saved .*snapshot-001\.png").split("saved ", 1)[1].strip()
        snapshot = cv2.imread(saved)
        assert snapshot.shape == (480, 640, 3)
        window.key("n")
        window.key("plus")
        window.key("minus")
        window.key("minus")
        time.sleep(1.5)  # the next style is painted within a few frames
        if can_look:
            shot = look_until(window, tmp_path / "shot.png", lambda shot: shot[60:400, 40:500].std() > 20)
            assert shot.shape[0] >= 480 and shot.shape[1] >= 640
            assert shot[60:400, 40:500].std() > 20  # a picture, not a blank window
            if os.environ.get("STYLE_SCREENSHOT"):
                shutil.copy(tmp_path / "shot.png", os.environ["STYLE_SCREENSHOT"])
        if can_look:
            before = screenshot(window, tmp_path / "before.png")  # the video moves on: compare with a fresh frame
        window.key("h")
        if can_look:
            darker = lambda picture: picture[20:160, 20:600].mean() < before[20:160, 20:600].mean()  # noqa: E731
            with_help = look_until(window, tmp_path / "help.png", darker, seconds=5)
            assert darker(with_help)  # the dark help panel
        window.key("q")
        assert app.wait(timeout=30) == 0
    finally:
        app.kill()
    text = "".join(drain(err))
    assert "Traceback" not in text
    painted = int(re.search(r"painted (\d+) frames", text).group(1))
    speed = re.search(r"speed: (\d+) frames in ([\d.]+) s: ([\d.]+) frames/s", text)
    assert speed and "(quit)" in text, text
    assert painted >= 3, text
    assert "The Great Wave" in text and "The Starry Night" in text  # n moved on to the next style
    print(f"painted {painted} frames; {speed.group(0)}")  # the real window's figures (pytest -s shows them)


def test_camera_style_window_closes_with_its_close_button(display, tmp_path, mlplay):
    video = photo_video(tmp_path / "short.mp4", seconds=20.0, size=(320, 240))
    wm = start_window_manager(display)
    try:
        app, err = start(mlplay, display, video)
        try:
            window = Window(TITLE, display, min_width=320, app=app)
            window.close()
            assert app.wait(timeout=30) == 0
            assert "window closed" in wait_for(err, "^speed:")
        finally:
            app.kill()
    finally:
        wm.terminate()
