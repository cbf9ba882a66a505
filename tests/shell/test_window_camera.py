"""The camera shell with a real cv2 window on Xvfb: frames shown, keys reach the app, q and closing the window quit."""

import time
from contextlib import contextmanager

import pytest

from xwindow import LineReader, Window, start_window_manager

pytestmark = [pytest.mark.window]

SHELL = """
import sys, numpy as np
from mlplay.shell import camera

class Echo:
    running = True
    def process(self, frame, t):
        return frame
    def key(self, name, t):
        print("key", name, flush=True)

frames = [np.full((120, 160, 3), i % 255, np.uint8) for i in range(3000)]
print("ready", flush=True)
stats = camera.run_camera(Echo(), camera.FrameListSource(frames, fps=30), show=True, title="camera test")
print("reason", stats.reason, stats.frames > 0, flush=True)
"""


@contextmanager
def opened(mlplay, display):
    """The test app started on `display`, ready, its window found: (app, its stdout lines, window); killed after."""
    app = mlplay.popen("-c", SHELL, python=True, env=display)
    try:
        out = LineReader(app.stdout)
        assert out.next() == "ready\n"
        yield app, out, Window("camera test", display, min_width=160, app=app)
    finally:
        app.kill()


def test_keys_reach_the_app_and_q_quits(display, mlplay):
    with opened(mlplay, display) as (app, out, window):
        window.key("space")
        assert out.next() == "key space\n"
        window.key("r")
        assert out.next() == "key r\n"
        window.key("q")
        assert out.next() == "reason quit True\n"
        assert app.wait(timeout=20) == 0
        err = app.stderr.read()
        assert "opened frames" in err and "160×120" in err and "speed:" in err and "Traceback" not in err


def test_closing_the_window_quits(display, mlplay):
    wm = start_window_manager(display)
    try:
        with opened(mlplay, display) as (app, out, window):
            window.close()
            assert app.wait(timeout=20) == 0
            assert out.next() == "reason window closed True\n"
    finally:
        wm.terminate()


def test_a_window_destroyed_from_outside_ends_the_loop(display, mlplay):
    """Qt does not notice an X window destroyed under it (cv2 still calls it visible): the shell asks the X server."""
    with opened(mlplay, display) as (app, out, window):
        began = time.monotonic()
        window.destroy()
        assert out.next(timeout=20) == "reason window closed True\n"
        took = time.monotonic() - began
        assert app.wait(timeout=20) == 0
        assert took < 5, took  # about 0.1 s on an idle machine; generous for a loaded CI runner
        assert "speed:" in app.stderr.read()
