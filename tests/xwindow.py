"""Helpers to drive real OpenCV windows on a virtual X display with xdotool."""

import json
import math
import os
import queue
import shutil
import subprocess
import tempfile
import threading
import time

import pytest


def start_window_manager(env: dict) -> subprocess.Popen:
    """openbox on the virtual display: closing a window needs a window manager, as on a desktop."""
    if not (shutil.which("openbox") and shutil.which("wmctrl")):
        pytest.skip("needs openbox and wmctrl (apt-get install openbox wmctrl)")
    log = tempfile.TemporaryFile("w+")  # what it says, read only if it fails (a pipe could fill and stall it)
    proc = subprocess.Popen(["openbox"], env=env, stdout=subprocess.DEVNULL, stderr=log, text=True)
    deadline = time.time() + 30  # a busy machine starts it slowly
    while subprocess.run(["wmctrl", "-m"], env=env, capture_output=True).returncode != 0:
        if time.time() > deadline or proc.poll() is not None:
            proc.kill()
            proc.wait()
            log.seek(0)
            said = [line for line in log.read().splitlines() if "menu file" not in line]
            pytest.skip(f"openbox did not start on {env.get('DISPLAY')} (exit {proc.returncode}: "
                        f"{said[-1] if said else 'nothing said'})")
        time.sleep(0.1)
    return proc


def closing_quits(display: dict, start, timeout: float = 20) -> str:
    """Start the window under a window manager (`start()` → (process, Window)), close it with its close button:
    the process must end with 0 and no traceback. Returns what it wrote to stderr."""
    wm = start_window_manager(display)
    app, window = start()
    try:
        window.close()
        assert app.wait(timeout=timeout) == 0
        err = app.stderr.read()
        assert "Traceback" not in err, err
        return err
    finally:
        app.kill()
        wm.terminate()


def draw_each(mlplay, display: dict, what: str, drawings: dict) -> dict:
    """Start `mlplay draw WHAT --jsonl`, draw each drawing (a list of strokes) stroke by stroke, clearing in
    between, quit with q; return each drawing's guess after its last stroke (one JSON line a finished stroke)."""
    app = mlplay.popen("draw", what, "--jsonl", env=display)
    try:
        window = Window(f"mlplay - draw {what}", display, min_width=400 + 280, app=app)
        out = LineReader(app.stdout)
        guesses = {}
        for name, strokes in drawings.items():
            for stroke in strokes:
                window.stroke(stroke)
                guesses[name] = json.loads(out.next())
            window.key("c")
        window.key("q")
        assert app.wait(timeout=20) == 0
    finally:
        app.kill()
    assert "Traceback" not in app.stderr.read()
    return guesses


def start_xvfb():
    """Start Xvfb on a free display; return (process, display string). Skips when Xvfb/xdotool are missing.

    Each test gets a display number not used before in this run (reusing :0 right after the last test's server
    exited made Qt fail to connect now and then), and the app starts only once a client can connect. -noreset: by
    default an X server resets when its last client leaves, so the probe's leaving reset it, and a client connecting
    then (openbox, the app) failed at once, about one start in six."""
    if not (shutil.which("Xvfb") and shutil.which("xdotool")):
        pytest.skip("needs Xvfb and xdotool (apt-get install xvfb xdotool)")
    global _next_display
    for _ in range(50):
        _next_display += 1
        number = _next_display
        if os.path.exists(f"/tmp/.X{number}-lock") or os.path.exists(f"/tmp/.X11-unix/X{number}"):
            continue
        proc = subprocess.Popen(["Xvfb", f":{number}", "-screen", "0", "1024x768x24", "-nolisten", "tcp", "-noreset"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        env, deadline = {**os.environ, "DISPLAY": f":{number}"}, time.time() + 20
        while proc.poll() is None and time.time() < deadline:
            if subprocess.run(["xdotool", "getdisplaygeometry"], env=env, capture_output=True).returncode == 0:
                return proc, f":{number}"
            time.sleep(0.05)
        proc.kill()
        proc.wait()
    raise AssertionError("no Xvfb display could be started")


_next_display = 100 + os.getpid() % 800


class LineReader:
    """Read a process's stdout lines on a thread, so tests can wait for one with a timeout."""

    def __init__(self, stream):
        self.lines = queue.Queue()
        threading.Thread(target=lambda: [self.lines.put(line) for line in stream], daemon=True).start()

    def next(self, timeout=60.0) -> str:  # generous: a loaded CI runner starts Qt slowly; only a failure waits it out
        return self.lines.get(timeout=timeout)


class Window:
    def __init__(self, name: str, env: dict, timeout: float = 60, min_width: int = 0,
                 app: subprocess.Popen | None = None):
        self.env = env
        self.app = app  # the process that opens the window: when it dies, say why at once instead of waiting it out
        self.id = self.find(name, timeout)
        self.settle(min_width)

    def find(self, name: str, timeout: float) -> str:
        """The id of the visible window called `name`. `xdotool search --sync` gives up (exit 1) on a transient X
        error, e.g. while other windows close on a loaded machine: search again until the deadline instead."""
        out = self.retrying(timeout, "search", "--onlyvisible", "--name", name)
        return out.split()[0]

    def retrying(self, timeout: float, *args, output: bool = True) -> str:
        """Run an xdotool command that is safe to repeat until it succeeds (with some output, if `output`), or fail
        at the deadline."""
        deadline = time.time() + timeout
        while True:
            found = subprocess.run(["xdotool", *args], env=self.env, capture_output=True, text=True, timeout=20)
            if found.returncode == 0 and (found.stdout.strip() or not output):
                return found.stdout
            if self.app is not None and self.app.poll() is not None:
                err = self.app.stderr.read() if self.app.stderr else ""
                if "could not connect to display" in err:  # Qt's own connect to a live Xvfb fails now and then
                    pytest.skip(f"Qt could not connect to the running Xvfb this time (intermittent): {err[-300:]}")
                raise AssertionError(f"the app exited ({self.app.returncode}) during xdotool {' '.join(args)}: "
                                     f"{err[-2000:]}")
            if time.time() > deadline:
                raise AssertionError(f"xdotool {' '.join(args)} failed for {timeout} s: {found.stderr.strip()}")
            time.sleep(0.1)

    def geometry(self) -> dict:
        out = self.retrying(20, "getwindowgeometry", "--shell", self.id)
        return {k: int(v) for k, v in (line.split("=") for line in out.split())}

    def settle(self, min_width: int = 0, timeout: float = 20) -> None:
        """Wait until the window has its final size (at least `min_width`, unchanged for a few polls).

        The window first maps small and grows when the first frame is shown: strokes sent before that land
        in the wrong place."""
        deadline, last, same = time.time() + timeout, None, 0
        while time.time() < deadline:
            g = self.geometry()
            same = same + 1 if g == last and g["WIDTH"] >= min_width else 0
            if same >= 3:
                break
            last = g
            time.sleep(0.1)
        self.x, self.y = last["X"], last["Y"]

    def xdotool(self, *args, timeout=20):
        return subprocess.run(["xdotool", *args], env=self.env, capture_output=True, text=True, timeout=timeout,
                              check=True).stdout

    def stroke(self, points):
        """Press, move through the points (window coordinates), release."""
        x0, y0 = points[0]
        self.xdotool("mousemove", "--sync", str(self.x + x0), str(self.y + y0), "mousedown", "1")
        for x, y in points[1:]:
            self.xdotool("mousemove", "--sync", str(self.x + x), str(self.y + y))
            time.sleep(0.005)
        self.xdotool("mouseup", "1")

    def close(self):
        """Close it through the window manager, as a click on the title bar's X does."""
        subprocess.run(["wmctrl", "-i", "-c", hex(int(self.id))], env=self.env, check=True, timeout=20)

    def destroy(self):
        """Destroy it from outside (XDestroyWindow), as a crashed window manager or `xkill`-like tools do."""
        self.xdotool("windowclose", self.id)

    def key(self, key: str, pause: float = 0.3):
        """Press a key, then give the app a moment to act on it (e.g. clear) before the next stroke."""
        self.retrying(20, "windowfocus", "--sync", self.id, output=False)
        self.xdotool("key", key)
        time.sleep(pause)


def line(a, b, n=25):
    return [(round(a[0] + (b[0] - a[0]) * i / n), round(a[1] + (b[1] - a[1]) * i / n)) for i in range(n + 1)]


def ellipse(centre, rx, ry, n=40):
    return [(round(centre[0] + rx * math.sin(2 * math.pi * i / n)),
             round(centre[1] - ry * math.cos(2 * math.pi * i / n)))
            for i in range(n + 1)]
