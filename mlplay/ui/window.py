"""The thin cv2 shell: show an app's frames, forward mouse and keys, quit on q/Esc or window close."""

import cv2

from mlplay.ui.display import require_display

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
