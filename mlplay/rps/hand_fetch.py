"""`mlplay data fetch hands`: MediaPipe's palm detection and hand landmark models, taken out of the mediapipe wheel.

The repository ships them in models/hands/ (so a fresh clone works offline); this re-extracts them from the PyPI
wheel `mediapipe==0.10.21` (the last one that carries them), after checking the wheel's SHA-256. mediapipe itself is
never installed (it pins numpy < 2 and protobuf < 5). The card written next to the models records the wheel, each
file's SHA-256, the licence and the credit.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from mlplay import wheels
from mlplay.download import Source
from mlplay.rps.hands import LANDMARK_FILE, PALM_FILE, hands_dir

WHEEL = wheels.MEDIAPIPE  # the last mediapipe wheel that carries the hand models
MEMBERS = {  # our file name → its path inside the wheel
    PALM_FILE: "mediapipe/modules/palm_detection/palm_detection_lite.tflite",
    LANDMARK_FILE: "mediapipe/modules/hand_landmark/hand_landmark_lite.tflite",
}
LICENCE = "Apache-2.0"
CREDIT = ("Google MediaPipe: palm detection (lite) and hand landmark (lite) models, from the mediapipe Python wheel; "
          "Apache License 2.0, https://github.com/google-ai-edge/mediapipe")


def cached(folder: Path | None = None) -> Path | None:
    """The models folder when its card is there and every file matches the SHA-256 the card records."""
    folder = Path(folder or hands_dir())
    return folder if not problems(folder) else None


def problems(folder: Path) -> list[str]:
    """What is wrong with an extracted models folder (empty: nothing)."""
    return wheels.problems(folder, MEMBERS)


def fetch(source: Source = WHEEL, folder: Path | None = None, log=print) -> Path:
    """Download the wheel (checksummed) and extract the models into `folder` (default: hands/ in the models folder
    in use) atomically; idempotent."""
    from mlplay.paths import models_dir

    folder = Path(folder or models_dir() / "hands")
    if cached(folder):
        return folder
    wheel = wheels.Wheel(source, MEMBERS,
                         "the hand models are in mediapipe==0.10.21; newer wheels no longer carry them")
    return wheels.fetch([wheel], folder, lambda tmp, records: card(records[0]), "the hand models",
                        "check the internet connection; the repository ships them in models/hands/ (git checkout "
                        "models/hands)", log)


def card(record: dict) -> dict:
    return {
        "name": "hands",
        "family": "rps",
        "task": "hand-landmarks",
        "summary": "MediaPipe palm detection (192×192, 2016 anchors) + hand landmarks (224×224: 21 points, presence, "
                   "handedness), run in LiteRT by mlplay.rps.hands",
        "source": record,
        "licence": LICENCE,
        "credit": CREDIT,
        "command": "mlplay data fetch hands",
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
