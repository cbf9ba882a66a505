"""Published pretrained models and their labels: MobileNetV2 (ImageNet) and SSDLite MobileNetV2 (COCO).

Weights come only from their official homes; the ImageNet label names also come from the npm registry
(`@tensorflow-models/mobilenet`), which answers wherever npm does. Google publishes no checksums for the
weight files, so the SHA-256 of the first download is recorded next to it and checked on every later use.
"""

import json
import re
import shutil
import tarfile
from pathlib import Path

from mlplay.download import DownloadError, Source, download, download_first, sha256_file
from mlplay.errors import MlplayError
from mlplay.fileio import atomic_dir, atomic_path, write_json
from mlplay.paths import datasets_dir

MOBILENET_FILE = "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224.h5"
MOBILENET = Source(f"https://storage.googleapis.com/tensorflow/keras-applications/mobilenet_v2/{MOBILENET_FILE}",
                   None, "MobileNetV2 ImageNet weights (Keras applications)")
IMAGENET_INDEX = Source("https://storage.googleapis.com/download.tensorflow.org/data/imagenet_class_index.json",
                        None, "ImageNet class index (Keras)")
IMAGENET_NPM = Source("https://registry.npmjs.org/@tensorflow-models/mobilenet/-/mobilenet-2.1.1.tgz",
                      "29b97f8db758d1d699c5654100fd363beaaeda1874e1488b5bceb267d13f90ff",
                      "ImageNet class names (npm package @tensorflow-models/mobilenet@2.1.1)")
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


# ImageNet labels ---------------------------------------------------------------------------------
def imagenet_labels_path() -> Path:
    return folder() / "imagenet_labels.txt"


def fetch_imagenet_labels(sources=(IMAGENET_INDEX, IMAGENET_NPM), log=print) -> Path:
    dest = imagenet_labels_path()
    if dest.exists():
        return dest
    source, raw = download_first(sources, folder(), "the ImageNet labels", "check your internet connection", log)
    names = parse_class_index(raw.read_text()) if raw.suffix == ".json" else parse_npm_classes(raw)
    raw.unlink(missing_ok=True)
    if len(names) != 1000:
        raise MlplayError(f"{source.label}: expected 1000 class names, found {len(names)}")
    with atomic_path(dest) as tmp:
        tmp.write_text("\n".join(names) + "\n", encoding="utf-8")
    log(f"ImageNet labels from {source.label} → {dest}")
    return dest


def parse_class_index(text: str) -> list[str]:
    """Keras' imagenet_class_index.json: {"0": ["n01440764", "tench"], …}."""
    index = json.loads(text)
    return [index[str(i)][1].replace("_", " ") for i in range(len(index))]


_JS_STRING = r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\""


def parse_npm_classes(tarball: Path) -> list[str]:
    """dist/imagenet_classes.js: `N: 'name, synonym, …'` (long names split with +); keep the first name."""
    with tarfile.open(tarball, "r:gz") as tar:
        member = tar.extractfile("package/dist/imagenet_classes.js")
        if member is None:
            raise MlplayError(f"{tarball.name} lacks dist/imagenet_classes.js")
        text = member.read().decode("utf-8")
    entry = re.compile(rf"(\d+)\s*:\s*((?:{_JS_STRING})(?:\s*\+\s*(?:{_JS_STRING}))*)")
    names = {}
    for number, literal in entry.findall(text):
        parts = re.findall(_JS_STRING, literal)
        full = "".join(re.sub(r"\\(.)", r"\1", p[1:-1]) for p in parts)
        names[int(number)] = full.split(",")[0].strip()
    return [names[i] for i in sorted(names)]


# Weights -------------------------------------------------------------------------------------------
def _verified(path: Path) -> bool:
    """Trust on first use: the checksum recorded at download must still hold."""
    record = path.with_name(path.name + ".sha256")
    return path.exists() and record.exists() and record.read_text().split()[0] == sha256_file(path)


def _record(path: Path) -> None:
    with atomic_path(path.with_name(path.name + ".sha256")) as tmp:
        tmp.write_text(f"{sha256_file(path)}  {path.name}\n")


def mobilenet_weights(fetch: bool = True, source: Source = MOBILENET, log=print) -> Path:
    path = folder() / MOBILENET_FILE
    if _verified(path):
        return path
    if not fetch:
        raise MlplayError("the MobileNetV2 ImageNet weights are not downloaded", "run: mlplay data fetch mobilenet-v2")
    try:
        download(source, path, timeout=60)
    except DownloadError as e:
        raise MlplayError(f"the MobileNetV2 ImageNet weights are not cached and cannot be downloaded ({e})",
                          f"connect and run: mlplay data fetch mobilenet-v2, or copy {MOBILENET_FILE} into "
                          f"{folder()}") from None
    _record(path)
    log(f"MobileNetV2 weights → {path}")
    return path


def mobilenet_cached() -> Path | None:
    path = folder() / MOBILENET_FILE
    return path if _verified(path) else None


def ssdlite_cached() -> Path | None:
    path = folder() / SSDLITE_NAME
    return path if (path / "saved_model.pb").exists() else None


def fetch_mobilenet(log=print) -> Path:
    fetch_imagenet_labels(log=log)
    return mobilenet_weights(log=log)


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
