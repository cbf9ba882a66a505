"""The one window shell: a display check, panel drawing helpers, and the cv2 loop that shows an app's frames,
forwards mouse and keys, and quits on q/Esc or window close."""

import os
import socket
import sys

import cv2
import numpy as np

from mlplay.errors import MlplayError


# -- display check: with no display Qt aborts the whole process, so look before any cv2 window call --

HINT = "run it on a desktop session, or under a virtual display: xvfb-run -a mlplay …"


def require_display() -> None:
    if sys.platform in ("win32", "darwin"):
        return
    display = os.environ.get("DISPLAY", "")
    if not display:
        raise MlplayError("no display found (DISPLAY is not set): this command opens a window", HINT)
    if not _x_server_answers(display):
        raise MlplayError(f"cannot connect to the X display {display!r}", HINT)
    fonts = "/usr/share/fonts/truetype/dejavu"
    if os.path.isdir(fonts):
        os.environ.setdefault("QT_QPA_FONTDIR", fonts)


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


def thumbnail(img, model_input: np.ndarray, top: int, left: int, scale: int = 3) -> None:
    """What the model sees, enlarged, with a caption."""
    small = np.squeeze(model_input).clip(0, 255).astype(np.uint8)
    big = cv2.resize(small, None, fx=scale, fy=scale, interpolation=cv2.INTER_NEAREST)
    h, w = big.shape
    img[top : top + h, left : left + w] = big[..., None]
    cv2.rectangle(img, (left - 1, top - 1), (left + w, top + h), DIM, 1)
    text(img, "model input", (left + w + 8, top + 14), 0.4, DIM)


def digit_panel(height, width, labels, probabilities, model_input, model_name) -> np.ndarray:
    """Big top guess, ten probability bars, the 28×28 input the model saw."""
    img = blank(height, width)
    text(img, model_name, (12, 22), 0.5, DIM)
    if probabilities is None:
        text(img, "draw a digit", (12, 80), 0.7, FG)
    else:
        best = int(np.argmax(probabilities))
        text(img, labels[best], (12, 92), 2.6, ACCENT, 5)
        text(img, f"{float(probabilities[best]):.0%}", (96, 92), 0.8, FG)
        bars(img, labels, probabilities, 106, 12, width - 24, 19)
    if model_input is not None:
        thumbnail(img, model_input, height - 90, 12)
    return img


def sketch_panel(height, width, labels, probabilities, model_input, model_name) -> np.ndarray:
    """'It looks like X' and the next three guesses."""
    img = blank(height, width)
    text(img, model_name, (12, 22), 0.5, DIM)
    if probabilities is None:
        text(img, "draw something", (12, 80), 0.7, FG)
    else:
        order = np.argsort(probabilities)[::-1]
        text(img, "It looks like", (12, 62), 0.6, FG)
        text(img, labels[order[0]], (12, 100), fit_scale(labels[order[0]], width - 24, 1.0, 2), ACCENT, 2)
        text(img, f"{float(probabilities[order[0]]):.0%}", (12, 128), 0.6, FG)
        text(img, "or maybe", (12, 168), 0.5, DIM)
        bars(img, [labels[i] for i in order[1:4]], probabilities[order[1:4]], 178, 12, width - 24)
    if model_input is not None:
        thumbnail(img, model_input, height - 90, 12)
    return img


PANELS = {"digit": digit_panel, "sketch": sketch_panel}


def help_overlay(img: np.ndarray, lines: list[str]) -> None:
    h = 24 * len(lines) + 16
    overlay = img.copy()
    cv2.rectangle(overlay, (8, 8), (img.shape[1] - 8, 8 + h), (0, 0, 0), -1)
    cv2.addWeighted(overlay, 0.8, img, 0.2, 0, img)
    for i, line in enumerate(lines):
        text(img, line, (20, 32 + 24 * i), 0.55, FG)


# -- the window loop --

MOUSE = {cv2.EVENT_LBUTTONDOWN: "down", cv2.EVENT_MOUSEMOVE: "move", cv2.EVENT_LBUTTONUP: "up"}


def key_name(code: int) -> str | None:
    if code < 0:
        return None
    code &= 0xFF
    return "esc" if code == 27 else chr(code).lower()


def closed(title: str) -> bool:
    """True once the user closed the window (Qt forgets it entirely, and then OpenCV raises)."""
    try:
        return cv2.getWindowProperty(title, cv2.WND_PROP_VISIBLE) < 1
    except cv2.error:
        return True


def open_window(title: str) -> None:
    """A plain window sized to what it shows (call require_display() first: with no display Qt aborts)."""
    cv2.namedWindow(title, cv2.WINDOW_AUTOSIZE | cv2.WINDOW_GUI_NORMAL)


def close_windows() -> None:
    cv2.destroyAllWindows()
    cv2.waitKey(1)  # let the GUI thread actually take them down


def run(app, title: str, delay_ms: int = 15) -> None:
    """Loop until the app stops or the window is closed. The app has mouse(), key(), tick(), frame(), running."""
    require_display()
    open_window(title)
    if hasattr(app, "mouse"):

        def on_mouse(event, x, y, flags, param):
            if event in MOUSE:
                app.mouse(MOUSE[event], x, y)

        cv2.setMouseCallback(title, on_mouse)
    try:
        while app.running:
            app.tick()
            cv2.imshow(title, app.frame())
            key = key_name(cv2.waitKey(delay_ms))
            if key:
                app.key(key)
            if closed(title):
                break
    finally:
        close_windows()


class SlideShow:
    """An app that shows a list of prepared frames: any key for the next, q/Esc quits."""

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
