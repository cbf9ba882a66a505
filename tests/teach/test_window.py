"""`mlplay camera teach` end to end in a real cv2 window on Xvfb: a video as the source, keys sent with xdotool
(a held number key is a run of repeated presses, as a keyboard's auto-repeat sends them), the model trained with t,
saved with s, the window quit with q."""

import json
import os
import time
from pathlib import Path

import cv2
import numpy as np
import pytest
from teachhelpers import install_backbone, thing

from xwindow import Window

pytestmark = [pytest.mark.window, pytest.mark.slow]
SEGMENT = 6.0  # seconds of each thing at the start of the video
FPS = 10


def things_video(path: Path, order=("red", "green", "blue"), seconds: float = SEGMENT) -> Path:
    rng = np.random.default_rng(0)
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), FPS, (320, 240))
    for label in [*order, *order, *order]:
        for _ in range(int(seconds * FPS)):
            writer.write(thing(label, rng))
    writer.release()
    return path


def hold(window: Window, key: str, seconds: float) -> None:
    """Keep a key down: presses every 80 ms, as auto-repeat does."""
    window.retrying(20, "windowfocus", "--sync", window.id, output=False)
    window.xdotool("key", "--repeat", str(int(seconds / 0.08)), "--delay", "80", key, timeout=seconds + 20)


def test_camera_teach_is_driven_by_keys_on_a_video(display, backbone_folder, tmp_path, mlplay):
    install_backbone(backbone_folder, Path(os.environ["MLPLAY_DATA"]))
    video = things_video(tmp_path / "things.mp4")
    models_dir = tmp_path / "models"
    app = mlplay.popen("camera", "teach", "things", "--labels", "red,green,blue", "--source", video,
                       "--models-dir", models_dir, env=display)
    try:
        window = Window("mlplay - teach things", display, min_width=900, app=app)
        shown = time.monotonic()  # the video starts with the first frame shown: stream time ≈ time since now
        for i, key in enumerate(("1", "2", "3")):  # in the middle of each thing's segment
            time.sleep(max(0.0, shown + SEGMENT * i + 1.5 - time.monotonic()))
            hold(window, key, 2.5)
        time.sleep(max(0.0, shown + 3 * SEGMENT + 1.0 - time.monotonic()))
        window.key("t", pause=1.5)
        window.key("s", pause=1.0)
        window.key("q")
        assert app.wait(timeout=30) == 0
    finally:
        app.kill()
    err = app.stderr.read()
    assert "Traceback" not in err
    for label in ("red", "green", "blue"):
        assert f"recording {label}" in err
    assert "trained: held-out accuracy" in err and "saved" in err and "speed:" in err
    card = json.loads((models_dir / "things" / "card.json").read_text())
    counts = {label: card["data"]["per_label"][label]["examples"] for label in ("red", "green", "blue")}
    assert all(n >= 10 for n in counts.values()), counts  # about 2.5 s at 10 frames/s each
    assert sum(len(list((Path(os.environ["MLPLAY_DATA"]) / "teach" / "things" / label).glob("*.jpg")))
               for label in counts) == sum(counts.values())  # every recorded frame is on disk
    evaluated = mlplay("eval", "things", "--models-dir", models_dir)
    assert evaluated.returncode == 0, evaluated.stdout + evaluated.stderr  # the card's figure from the files again
