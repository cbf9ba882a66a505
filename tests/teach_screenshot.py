"""The README's picture of the teach window, made the way a person uses it (not a test):

    MLPLAY_DATA=datasets python tests/teach_screenshot.py ../shared/data/rps-real docs/img/teach-window.png

A video is made of the photos (rock, then paper, then scissors, then all three again), `mlplay camera teach` plays
it on a private Xvfb, number keys are held with xdotool while each gesture is shown, t trains, and the window is
captured a little later, while it names the gestures live. Needs the real backbone (mlplay data fetch mobilenet-v2).
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import cv2

sys.path.insert(0, str(Path(__file__).parent))
from xwindow import Window, start_xvfb  # noqa: E402

FPS, PER_PHOTO, SEGMENT_PHOTOS = 10, 4, 20  # each photo shown 0.4 s; 8 s a gesture


def video(photos: Path, path: Path) -> float:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), FPS, (640, 480))
    moves = ("rock", "paper", "scissors")
    for round_ in range(2):
        for move in moves:
            files = sorted((photos / move).glob("*.jpg"))[round_ * SEGMENT_PHOTOS:(round_ + 1) * SEGMENT_PHOTOS]
            for file in files:
                picture = cv2.imread(str(file))
                frame = cv2.resize(picture, (720, 480))[:, 40:680]
                for _ in range(PER_PHOTO):
                    writer.write(frame)
    writer.release()
    return SEGMENT_PHOTOS * PER_PHOTO / FPS


def main(photos: str, out: str) -> None:
    from mlplay.vision import backbone

    proc, name = start_xvfb()
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "datasets").mkdir()
        (Path(tmp) / "datasets" / backbone.NAME).symlink_to(backbone.folder())  # the examples go to the temporary one
        env = {**os.environ, "DISPLAY": name, "MLPLAY_DATA": str(Path(tmp) / "datasets")}
        segment = video(Path(photos), Path(tmp) / "hands.mp4")
        app = subprocess.Popen([sys.executable, "-m", "mlplay", "camera", "teach", "hands-demo", "--labels",
                                "rock,paper,scissors", "--source", str(Path(tmp) / "hands.mp4"), "--models-dir",
                                str(Path(tmp) / "models")], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
        try:
            window = Window("mlplay - teach hands-demo", env, min_width=900, app=app)
            shown = time.monotonic()
            for i, key in enumerate(("1", "2", "3")):
                time.sleep(max(0.0, shown + segment * i + 1.0 - time.monotonic()))
                window.retrying(20, "windowfocus", "--sync", window.id, output=False)
                window.xdotool("key", "--repeat", str(int((segment - 2.0) / 0.08)), "--delay", "80", key,
                               timeout=segment + 20)
            time.sleep(max(0.0, shown + 3 * segment + 0.5 - time.monotonic()))
            window.key("t", pause=0.2)
            time.sleep(max(0.0, shown + 4 * segment + segment / 2 - time.monotonic()))  # paper, live
            subprocess.run(["import", "-window", window.id, out], env=env, check=True)
            window.key("q")
            app.wait(timeout=30)
        finally:
            app.kill()
            proc.terminate()
        print(app.stderr.read()[-2000:])


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
