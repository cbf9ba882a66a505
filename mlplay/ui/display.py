"""Check for a usable display before any cv2 window call: with none, Qt aborts the whole process."""

import os
import socket
import sys

from mlplay.errors import MlplayError

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
