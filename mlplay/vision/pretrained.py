"""The published SSDLite MobileNetV2 (COCO) detector and its labels (the float ImageNet MobileNetV2 is in
mlplay.vision.backbone).

The model comes only from its official home. Google publishes no checksum for it, so the SHA-256 of the first
download is recorded next to it and checked on every later use.
"""

import shutil
import tarfile
from pathlib import Path

from mlplay.download import DownloadError, Source, download, sha256_file
from mlplay.errors import MlplayError
from mlplay.fileio import atomic_dir, atomic_path, write_json
from mlplay.paths import datasets_dir

SSDLITE_NAME = "ssdlite_mobilenet_v2_coco_2018_05_09"
SSDLITE = Source(f"http://download.tensorflow.org/models/object_detection/{SSDLITE_NAME}.tar.gz", None,
                 "SSDLite MobileNetV2 COCO (TF model zoo)")

# COCO 2017 detection classes in id order; the zoo's label map numbers them 1..90 with these ids unused.
COCO_NAMES = (
    "person bicycle car motorcycle airplane bus train truck boat traffic_light fire_hydrant stop_sign "
    "parking_meter bench bird cat dog horse sheep cow elephant bear zebra giraffe backpack umbrella handbag tie "
    "suitcase frisbee skis snowboard sports_ball kite baseball_bat baseball_glove skateboard surfboard "
    "tennis_racket bottle wine_glass cup fork knife spoon bowl banana apple sandwich orange broccoli carrot "
    "hot_dog pizza donut cake chair couch potted_plant bed dining_table toilet tv laptop mouse remote keyboard "
    "cell_phone microwave oven toaster sink refrigerator book clock vase scissors teddy_bear hair_drier toothbrush"
).split()
COCO_UNUSED_IDS = {12, 26, 29, 30, 45, 66, 68, 69, 71, 83}


def coco_labels() -> dict[int, str]:
    ids = [i for i in range(1, 91) if i not in COCO_UNUSED_IDS]
    return {i: name.replace("_", " ") for i, name in zip(ids, COCO_NAMES)}


def folder() -> Path:
    return datasets_dir() / "pretrained"


# Weights -------------------------------------------------------------------------------------------
def _verified(path: Path) -> bool:
    """Trust on first use: the checksum recorded at download must still hold."""
    record = path.with_name(path.name + ".sha256")
    return path.exists() and record.exists() and record.read_text().split()[0] == sha256_file(path)


def _record(path: Path) -> None:
    with atomic_path(path.with_name(path.name + ".sha256")) as tmp:
        tmp.write_text(f"{sha256_file(path)}  {path.name}\n")


def ssdlite_cached() -> Path | None:
    path = folder() / SSDLITE_NAME
    return path if (path / "saved_model.pb").exists() else None


def ssdlite_dir(fetch: bool = True, source: Source = SSDLITE, log=print) -> Path:
    """The zoo's SavedModel folder, downloaded and unpacked once."""
    dest = folder() / SSDLITE_NAME
    if (dest / "saved_model.pb").exists():
        return dest
    if not fetch:
        raise MlplayError("the SSDLite detection model is not downloaded", "run: mlplay data fetch ssdlite")
    tarball = folder() / f"{SSDLITE_NAME}.tar.gz"
    try:
        if not _verified(tarball):
            download(source, tarball, timeout=60)
            _record(tarball)
    except DownloadError as e:
        raise MlplayError(f"the SSDLite detection model is not cached and cannot be downloaded ({e})",
                          f"connect and run: mlplay data fetch ssdlite, or unpack {SSDLITE_NAME}/saved_model into "
                          f"{dest}") from None
    with tarfile.open(tarball, "r:gz") as tar, atomic_dir(dest) as tmp:
        prefix = f"{SSDLITE_NAME}/saved_model/"
        members = [m for m in tar.getmembers() if m.name.startswith(prefix) and (m.isfile() or m.isdir())]
        if not any(m.name.endswith("saved_model.pb") for m in members):
            raise MlplayError(f"{tarball.name} has no {prefix}saved_model.pb")
        for m in members:
            target = tmp / m.name[len(prefix):]
            if m.isdir():
                target.mkdir(parents=True, exist_ok=True)
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                with tar.extractfile(m) as src, open(target, "wb") as out:
                    shutil.copyfileobj(src, out)
    write_json(dest / "SOURCE.json", {"source": source.label, "url": source.url})
    log(f"SSDLite SavedModel → {dest}")
    return dest
