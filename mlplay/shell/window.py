"""The one window shell: a display check, panel drawing helpers, and the one loop every live window runs in
(draw, classify --window, camera rps, camera record, camera detect), with one app protocol and one quit policy."""

import os
import socket
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from mlplay.errors import MlplayError

# -- display check: with no display Qt aborts the whole process, so look before any cv2 window call --

HINT = "run it on a desktop session, or under a virtual display: xvfb-run -a mlplay …"


def require_display() -> None:
    problem = display_problem()
    if problem:
        raise MlplayError(f"{problem}: this command opens a window", HINT)


def display_problem() -> str | None:
    """Why no window can open here, or None when one can."""
    if sys.platform in ("win32", "darwin"):
        return None
    display = os.environ.get("DISPLAY", "")
    if not display:
        return "no display found (DISPLAY is not set)"
    if not _x_server_answers(display):
        return f"cannot connect to the X display {display!r}"
    fonts = "/usr/share/fonts/truetype/dejavu"
    if os.path.isdir(fonts):
        os.environ.setdefault("QT_QPA_FONTDIR", fonts)
    return None


def _x_server_answers(display: str) -> bool:
    host, _, rest = display.rpartition(":")
    try:
        number = int(rest.split(".")[0])
    except ValueError:
        return False
    if host in ("", "unix"):
        path = f"/tmp/.X11-unix/X{number}"
        for address in (path, "\0" + path):
            try:
                with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
                    s.settimeout(1.0)
                    s.connect(address)
                return True
            except OSError:
                continue
        if host == "unix":
            return False
        host = "localhost"
    try:
        with socket.create_connection((host, 6000 + number), timeout=1.0):
            return True
    except OSError:
        return False


# -- panels: a model's guess drawn on numpy arrays --

FONT = cv2.FONT_HERSHEY_SIMPLEX
BG, FG, DIM, ACCENT = (32, 32, 32), (235, 235, 235), (140, 140, 140), (80, 200, 120)


def blank(height: int, width: int) -> np.ndarray:
    return np.full((height, width, 3), BG, np.uint8)


def text(img, s: str, org, scale=0.5, colour=FG, thick=1) -> None:
    cv2.putText(img, s, org, FONT, scale, colour, thick, cv2.LINE_AA)


def text_width(s: str, scale: float, thick: int = 1) -> int:
    return cv2.getTextSize(s, FONT, scale, thick)[0][0]


def fit_scale(s: str, max_width: int, scale: float, thick: int = 1, smallest: float = 0.3) -> float:
    """The largest font scale ≤ `scale` at which `s` is at most `max_width` pixels wide (not below `smallest`)."""
    while scale > smallest and text_width(s, scale, thick) > max_width:
        scale = round(scale - 0.025, 3)
    return scale


def bars(img, labels: list[str], probabilities: np.ndarray, top: int, left: int, width: int, row: int = 22) -> None:
    """One horizontal bar a label, the best one highlighted; labels are shrunk to fit, never cut."""
    best = int(np.argmax(probabilities)) if len(probabilities) else -1
    widest = max(labels, key=lambda s: text_width(s, 0.45)) if labels else ""
    column = min(text_width(widest, 0.45), int(width * 0.45))  # at most 45 % of the width for names
    scale = fit_scale(widest, column, 0.45)
    x0 = left + max(column, text_width(widest, scale)) + 8
    for i, (label, p) in enumerate(zip(labels, probabilities)):
        y = top + i * row
        colour = ACCENT if i == best else DIM
        text(img, label, (left, y + 14), scale, FG)
        cv2.rectangle(img, (x0, y + 3), (x0 + int((width - x0 + left - 48) * float(p)), y + row - 5), colour, -1)
        text(img, f"{float(p):4.0%}", (left + width - 44, y + 14), 0.4, DIM)


def help_overlay(img: np.ndarray, lines: list[str]) -> None:
    h = 24 * len(lines) + 16
    overlay = img.copy()
    cv2.rectangle(overlay, (8, 8), (img.shape[1] - 8, 8 + h), (0, 0, 0), -1)
    cv2.addWeighted(overlay, 0.8, img, 0.2, 0, img)
    for i, line in enumerate(lines):
        text(img, line, (20, 32 + 24 * i), 0.55, FG)


# -- the one loop of every live window ---------------------------------------------------------------------------
# An app (draw, slideshow, camera rps, record, camera detect) is any object with
#     running                       False ends the loop
#     process(frame, t) -> image    what to show now; `frame` is the source's next frame (camera, video, images),
#                                   or None for an app that draws its own picture; t: seconds (stream time)
#     key(name, t)                  keys other than q/Esc: a letter, "space" or "enter"
# and optionally mouse(kind, x, y) ("down", "move", "up"), timings() -> {stage: total seconds} for the speed summary
# and summary() -> one line printed when the loop ends.
# One quit policy, here and nowhere else: q/Esc, the window's close button, a window destroyed from outside,
# Ctrl-C and the end of the stream all end the loop; the window closes and the app's summary is printed.

MOUSE = {cv2.EVENT_LBUTTONDOWN: "down", cv2.EVENT_MOUSEMOVE: "move", cv2.EVENT_LBUTTONUP: "up"}
QUIT_KEYS = ("q", "esc")
KEYS = {" ": "space", "\r": "enter", "\n": "enter"}


def key_name(code: int) -> str | None:
    if code < 0:
        return None
    code &= 0xFF
    return "esc" if code == 27 else KEYS.get(chr(code), chr(code).lower())


class Window:
    """A real cv2 window, opened on the first frame: keys by name, and whether it is gone.

    Closing it with its close button hides it (cv2 sees that); destroying it from outside (a window manager's
    kill, `xdotool windowclose`) goes unnoticed by Qt, so the X server is asked too (shell/x11.py)."""

    MARGIN = (0, 80)  # pixels left free on the screen: the window's title bar, a desktop's panels

    def __init__(self, title: str):
        require_display()  # before any cv2 window call: with no display Qt aborts the process
        self.title, self.opened, self.on_mouse, self.x11, self.scale = title, False, None, None, 1.0

    def show(self, frame: np.ndarray) -> None:
        if not self.opened:
            self._open(frame.shape[1], frame.shape[0])
        if self.scale != 1.0:
            frame = cv2.resize(frame, None, fx=self.scale, fy=self.scale, interpolation=cv2.INTER_AREA)
        cv2.imshow(self.title, frame)

    def _open(self, width: int, height: int) -> None:
        """A window that fits the screen (a frame too large is shown smaller, mouse positions scaled back), placed
        at the top of the screen so none of it runs past the bottom."""
        from mlplay.shell.x11 import screen_size

        screen = screen_size()
        if screen:
            room_w, room_h = screen[0] - self.MARGIN[0], screen[1] - self.MARGIN[1]
            self.scale = min(1.0, room_w / width, room_h / height)
        cv2.namedWindow(self.title, cv2.WINDOW_AUTOSIZE | cv2.WINDOW_GUI_NORMAL)
        if screen:
            cv2.moveWindow(self.title, max(0, (screen[0] - round(width * self.scale)) // 2), 0)
        if self.on_mouse:
            cv2.setMouseCallback(self.title, lambda event, x, y, *_: event in MOUSE and self.on_mouse(
                MOUSE[event], round(x / self.scale), round(y / self.scale)))
        self.opened = True

    def poll(self, wait_ms: int = 1) -> str | None:
        return key_name(cv2.waitKey(max(1, wait_ms)))

    def closed(self) -> bool:
        if not self.opened:
            return False
        try:
            if cv2.getWindowProperty(self.title, cv2.WND_PROP_VISIBLE) < 1:
                return True
        except cv2.error:  # Qt forgot the window entirely
            return True
        if self.x11 is None:
            from mlplay.shell.x11 import X11Window

            self.x11 = X11Window(self.title)
        return not self.x11.exists()

    def close(self) -> None:
        if self.opened:
            cv2.destroyAllWindows()
            cv2.waitKey(1)  # let the GUI thread actually take them down
        if self.x11:
            self.x11.close()


class NoWindow:
    """Nothing is shown and no keys come in (`--no-show`, scripts, benchmarks)."""

    def show(self, frame: np.ndarray) -> None:
        pass

    def poll(self, wait_ms: int = 1) -> str | None:
        return None

    def closed(self) -> bool:
        return False

    def close(self) -> None:
        pass


def make_display(show: bool, title: str):
    """A window when asked for (one-line error where there is no display), otherwise nothing."""
    return Window(title) if show else NoWindow()


@dataclass
class Stats:
    """How a loop went: frames shown, seconds, the app's own time, why it ended (+ what the camera shell adds)."""

    frames: int = 0
    seconds: float = 0.0
    process_seconds: float = 0.0
    reason: str = ""
    saved: Path | None = None
    stages: dict = field(default_factory=dict)

    @property
    def fps(self) -> float:
        return self.frames / self.seconds if self.seconds > 0 else 0.0

    def summary(self) -> str:
        parts = [f"{self.frames} frames in {self.seconds:.1f} s: {self.fps:.1f} frames/s"]
        if self.frames:
            parts.append(f"app {1000 * self.process_seconds / self.frames:.2f} ms/frame")
            parts += [f"{name} {1000 * total / self.frames:.2f} ms/frame" for name, total in self.stages.items()]
        return ", ".join(parts) + (f" ({self.reason})" if self.reason else "")


def run(app, display, frames=None, *, wait_ms=15, after=None, log=None) -> Stats:
    """Run `app` in `display` (a Window, NoWindow, or a title for a new Window) until one of the quit policy's ends.

    frames: () -> (frame, t) or None at the end of the stream; without it t is the wall clock from the start.
    wait_ms: how long to wait for a key after each frame, or (t, started) -> ms (a video's own pace).
    after: (shown, t) -> shown, e.g. to record the frame and draw the frame rate on it.
    """
    display = Window(display) if isinstance(display, str) else display
    if hasattr(app, "mouse") and isinstance(display, Window):
        display.on_mouse = app.mouse
    stats, start = Stats(), time.perf_counter()
    try:
        while app.running:
            if frames is None:
                frame, t = None, time.perf_counter() - start
            else:
                item = frames()
                if item is None:
                    stats.reason = "end of stream"
                    break
                frame, t = item
            began = time.perf_counter()
            shown = app.process(frame, t)
            stats.process_seconds += time.perf_counter() - began
            stats.frames += 1
            display.show(after(shown, t) if after else shown)
            key = display.poll(wait_ms(t, start) if callable(wait_ms) else wait_ms)
            if key in QUIT_KEYS:
                stats.reason = "quit"
                break
            if key:
                app.key(key, t)
            if display.closed():
                stats.reason = "window closed"
                break
        else:
            stats.reason = "app finished"
    except KeyboardInterrupt:
        stats.reason = "interrupted"
    finally:
        stats.seconds = time.perf_counter() - start
        display.close()
    if hasattr(app, "timings"):
        stats.stages = dict(app.timings())
    if hasattr(app, "summary"):
        print(app.summary(), file=log or sys.stderr, flush=True)
    return stats


class SlideShow:
    """An app that shows a list of prepared frames: any key for the next; after the last one it ends."""

    def __init__(self, frames: list[np.ndarray]):
        self.frames, self.index = frames, 0
        self.running = bool(frames)

    def process(self, frame, t: float) -> np.ndarray:
        return self.frames[self.index]

    def key(self, name: str, t: float) -> None:
        self.index += 1
        self.running = self.index < len(self.frames)

    def summary(self) -> str:
        return f"shown {min(self.index + 1, len(self.frames))} of {len(self.frames)} images"
