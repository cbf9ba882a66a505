"""`mlplay data fetch hands`: MediaPipe's palm detection and hand landmark models, taken out of the mediapipe wheel.

The repository ships them in models/hands/ (so a fresh clone works offline); this re-extracts them from the PyPI
wheel `mediapipe==0.10.21` (the last one that carries them), after checking the wheel's SHA-256. mediapipe itself is
never installed (it pins numpy < 2 and protobuf < 5). The card written next to the models records the wheel, each
file's SHA-256, the licence and the credit.
"""

from __future__ import annotations

import json
import zipfile
from datetime import datetime, timezone
from pathlib import Path

from mlplay.download import DownloadError, Source, download, sha256_file
from mlplay.errors import MlplayError
from mlplay.fileio import atomic_dir
from mlplay.paths import datasets_dir
from mlplay.rps.hands import LANDMARK_FILE, PALM_FILE, hands_dir

WHEEL = Source(
    "https://files.pythonhosted.org/packages/ad/83/56f760fecdc60de84c529d6c05c9dfc7d972617c6632bd254d5e021e5b16/"
    "mediapipe-0.10.21-cp311-cp311-manylinux_2_28_x86_64.whl",
    "05dc4a9e593655a79558d05d6227d31018c2537a4bd3362b51e230cf22aecfe3",
    "mediapipe 0.10.21 wheel (35.6 MB; the hand models are inside)")
MEMBERS = {  # our file name → its path inside the wheel
    PALM_FILE: "mediapipe/modules/palm_detection/palm_detection_lite.tflite",
    LANDMARK_FILE: "mediapipe/modules/hand_landmark/hand_landmark_lite.tflite",
}
CARD = "card.json"
LICENCE = "Apache-2.0"
CREDIT = ("Google MediaPipe: palm detection (lite) and hand landmark (lite) models, from the mediapipe Python wheel; "
          "Apache License 2.0, https://github.com/google-ai-edge/mediapipe")


def cached(folder: Path | None = None) -> Path | None:
    """The models folder when its card is there and every file matches the SHA-256 the card records."""
    folder = Path(folder or hands_dir())
    return folder if not problems(folder) else None


def problems(folder: Path) -> list[str]:
    """What is wrong with an extracted models folder (empty: nothing)."""
    try:
        card = json.loads((folder / CARD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return [f"no readable {CARD} in {folder}"]
    found = []
    for name in MEMBERS:
        path, expected = folder / name, card.get("files", {}).get(name, {}).get("sha256")
        if not path.exists():
            found.append(f"{name} is missing")
        elif sha256_file(path) != expected:
            found.append(f"{name} does not match its SHA-256 in the card")
    return found


def fetch(source: Source = WHEEL, folder: Path | None = None, log=print) -> Path:
    """Download the wheel (checksummed) and extract the models into `folder` (default: hands/ in the models folder
    in use) atomically; idempotent."""
    from mlplay.paths import models_dir

    folder = Path(folder or models_dir() / "hands")
    if cached(folder):
        return folder
    wheel = datasets_dir() / "hands" / f"download-{Path(source.url).name}"
    try:
        download(source, wheel, timeout=120)
    except DownloadError as e:
        raise MlplayError(f"cannot download the hand models ({e})",
                          "check the internet connection; the repository ships them in models/hands/ (git checkout "
                          "models/hands)") from None
    try:
        extract(wheel, source, folder)
    finally:
        wheel.unlink(missing_ok=True)
    log(f"{len(MEMBERS)} hand models from {Path(source.url).name} → {folder}")
    return folder


def extract(wheel: Path, source: Source, folder: Path) -> Path:
    """The models out of a wheel (a zip) into a new `folder`, with their card; all or nothing."""
    try:
        with zipfile.ZipFile(wheel) as zf, atomic_dir(folder) as tmp:
            names = set(zf.namelist())
            missing = [m for m in MEMBERS.values() if m not in names]
            if missing:
                raise MlplayError(f"{Path(source.url).name} does not hold " + ", ".join(missing),
                                  "the hand models are in mediapipe==0.10.21; newer wheels no longer carry them")
            for name, member in MEMBERS.items():
                (tmp / name).write_bytes(zf.read(member))
            write_card(tmp, source, wheel)
    except zipfile.BadZipFile:
        raise MlplayError(f"{wheel.name} is not a wheel (zip) file") from None
    return folder


def write_card(folder: Path, source: Source, wheel: Path) -> None:
    card = {
        "name": "hands",
        "task": "hand-landmarks",
        "summary": "MediaPipe palm detection (192×192, 2016 anchors) + hand landmarks (224×224: 21 points, presence, "
                   "handedness), run in LiteRT by mlplay.rps.hands",
        "source": {"wheel": Path(source.url).name, "url": source.url, "sha256": sha256_file(wheel),
                   "members": MEMBERS},
        "files": {name: {"sha256": sha256_file(folder / name), "bytes": (folder / name).stat().st_size}
                  for name in MEMBERS},
        "licence": LICENCE,
        "credit": CREDIT,
        "command": "mlplay data fetch hands",
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    (folder / CARD).write_text(json.dumps(card, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
