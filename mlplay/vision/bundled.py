"""The two small pretrained models shipped in models/ (uint8 LiteRT, Apache-2.0), their cards and their re-download.

`install` copies a model file and its labels into models/<name>/ and writes the card: source, official download
(name, URL, the file inside the archive), the files' SHA-256, licence and credit, how pictures are prepared, and
what the model answers on a few real photos. It is run once, when the models are shipped:

    python -m mlplay.vision.bundled install ../shared/data/pretrained

`fetch` (`mlplay data fetch NAME`) gets the model file again from its official download on a connected machine
and keeps it only if its SHA-256 is the one the card records. Nothing here is read from ../shared at run time.
"""

import json
import sys
import tarfile
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from mlplay import store
from mlplay.errors import MlplayError
from mlplay.fileio import atomic_dir, atomic_path
from mlplay.paths import datasets_dir, portable_command

MODEL_FILE, LABELS_FILE = store.LITERT_FILE, store.LABELS_FILE
FAMILY = "vision"  # the package the cards name (mlplay/vision/models.py)
LICENCE = "Apache-2.0"
MOBILENET_NORMALISE = {"mean": 127.5, "std": 127.5}  # pixels to [-1, 1], as both networks were trained


@dataclass(frozen=True)
class Bundled:
    name: str  # models/<name>/
    task: str
    summary: str
    source: str  # where the file was published
    url: str  # the official download: an archive holding `member`
    member: str
    shipped_from: tuple[str, str]  # model file and labels file under the install folder
    credit: str
    prepare: dict  # how a picture is cropped and resized, as the model was trained (see vision/preparation.py)
    published: dict = field(default_factory=dict)  # figures published with the model, not measured here
    published_source: str = ""


MOBILENET_V2_QUANT = Bundled(
    name="mobilenet-quant",
    task="image-classification",
    summary="MobileNetV2 1.0/224, uint8-quantized, ImageNet: 1,001 classes (background first)",
    source="TensorFlow Lite hosted models (image classification)",
    url="https://storage.googleapis.com/download.tensorflow.org/models/tflite_11_05_08/mobilenet_v2_1.0_224_quant.tgz",
    member="mobilenet_v2_1.0_224_quant.tflite",
    shipped_from=("mobilenet_v2_1.0_224_quant/mobilenet_v2_1.0_224_quant.tflite",
                  "mobilenet_v2_1.0_224_quant/imagenet_labels.txt"),
    credit="MobileNetV2 (Sandler et al., 2018), trained and quantized by Google (TensorFlow Lite hosted models); "
           "label file from google-coral/test_data",
    prepare={"resize": "central-crop", "crop": 0.875, "interpolation": "bilinear"},  # TF-slim's evaluation
    published={"published_accuracy": 0.708, "published_top5_accuracy": 0.899},
    published_source="ImageNet validation accuracy (top-1; top-5) listed for Mobilenet_V2_1.0_224_quant in "
                     "TensorFlow Lite's hosted models table (published, not measured by mlplay)",
)
SSD_MOBILENET_V1_QUANT = Bundled(
    name="coco-ssd-quant",
    task="object-detection",
    summary="COCO SSD MobileNet v1, uint8-quantized, 300×300, with TFLite_Detection_PostProcess (10 boxes)",
    source="TensorFlow Lite object-detection example (coco_ssd_mobilenet_v1_1.0_quant_2018_06_29)",
    url="https://storage.googleapis.com/download.tensorflow.org/models/tflite/"
        "coco_ssd_mobilenet_v1_1.0_quant_2018_06_29.zip",
    member="detect.tflite",
    shipped_from=("ssd_mobilenet_v1_coco_quant/detect.tflite", "ssd_mobilenet_v1_coco_quant/labelmap.txt"),
    credit="SSD MobileNet v1 (Liu et al., 2016; Howard et al., 2017), trained on COCO and quantized by Google "
           "(TensorFlow object detection API, TensorFlow Lite example)",
    prepare={"resize": "stretch", "interpolation": "bilinear"},  # the object detection API's fixed-shape resizer
    published={"published_map": 0.18},
    published_source="COCO mAP@[.5:.95] listed (as 18) for ssd_mobilenet_v1_quantized_coco, the model this file was "
                     "converted from, in the TF1 detection model zoo table (published, not measured by mlplay)",
)
BUNDLED = {b.name: b for b in (MOBILENET_V2_QUANT, SSD_MOBILENET_V1_QUANT)}
DEFAULT_CLASSIFIER, DEFAULT_DETECTOR = MOBILENET_V2_QUANT.name, SSD_MOBILENET_V1_QUANT.name

# What a right answer is on the real photos the cards report (google-coral/test_data, Apache-2.0).
CLASSIFY_PHOTOS = {"cat.bmp": {"tabby", "tiger cat", "Persian cat", "Siamese cat", "Egyptian cat"},
                   "parrot.jpg": {"macaw"}, "hot_dog.jpg": {"hotdog"}, "grace_hopper.bmp": {"military uniform"}}
DETECT_PHOTOS = {"kite_and_cold.jpg": {"person", "kite"}, "pets.jpg": {"dog"}, "cat.bmp": {"cat"},
                 "parrot.jpg": {"bird"}, "grace_hopper.bmp": {"person"}, "hot_dog.jpg": {"hot dog"}}


def hint(name: str) -> str:
    return f"get it again with: mlplay data fetch {name}"


def load(name: str, root: Path | None = None):
    """The shipped model `name` (a store.Model), with a one-line error when it or its card is missing or broken."""
    model = store.open(name, root)
    missing = [key for key in ("input", "download") if key not in model.card.raw]
    if missing or MODEL_FILE not in model.card.sha256:
        raise MlplayError(f"the card of {name} lacks {', '.join(missing) or 'the SHA-256 of ' + MODEL_FILE}",
                          "restore models/ from git")
    return model


def cached(name: str) -> Path | None:
    """The model file when it is present and matches its card."""
    try:
        return load(name).file(MODEL_FILE)
    except MlplayError:
        return None


# Re-download ----------------------------------------------------------------------------------------------
def fetch(name: str, root: Path | None = None, log=print) -> Path:
    """The model file from the official download the card names, kept only if its SHA-256 matches the card."""
    from mlplay.download import DownloadError, Source, download, sha256_file  # urllib: only when downloading

    model = load(name, root)
    target, expected = model.folder / MODEL_FILE, model.card.sha256[MODEL_FILE]
    if target.is_file() and sha256_file(target) == expected:
        return target
    where = model.card.raw["download"]
    archive = datasets_dir() / "pretrained" / where["name"]
    try:
        download(Source(where["url"], None, where["name"]), archive, timeout=60)
    except DownloadError as e:
        raise MlplayError(f"cannot download {name} ({e})",
                          f"connect to the internet and run: mlplay data fetch {name}") from None
    try:
        data = extract(archive, where["member"])
    finally:
        archive.unlink(missing_ok=True)
    got = _sha256(data)
    if got != expected:
        raise MlplayError(f"{where['name']}: {where['member']} has SHA-256 {got[:12]}…, the card records "
                          f"{expected[:12]}…",
                          "the published file changed; nothing was replaced")
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)
    log(f"{name}: {where['member']} from {where['url']} (SHA-256 checked) → {target}")
    return target


def extract(archive: Path, member: str) -> bytes:
    """The bytes of the file named `member` (at any depth) in a .zip or .tar.gz archive."""
    data = None
    try:
        if zipfile.is_zipfile(archive):
            with zipfile.ZipFile(archive) as z:
                names = [n for n in z.namelist() if Path(n).name == member]
                data = z.read(names[0]) if names else None
        else:
            with tarfile.open(archive, "r:*") as tar:
                entries = [m for m in tar.getmembers() if m.isfile() and Path(m.name).name == member]
                data = tar.extractfile(entries[0]).read() if entries else None
    except (OSError, tarfile.TarError, zipfile.BadZipFile, EOFError) as e:
        raise MlplayError(f"{archive.name} is not a readable archive ({e})") from None
    if data is None:
        raise MlplayError(f"{archive.name} holds no {member}")
    return data


def _sha256(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


# Shipping (run once) --------------------------------------------------------------------------------------
def install(spec: Bundled, source_dir: Path, root: Path | None = None) -> Path:
    """Copy the model and its labels from `source_dir` into models/<name>/ and write its card."""
    model_src, labels_src = (Path(source_dir) / p for p in spec.shipped_from)
    for path in (model_src, labels_src):
        if not path.is_file():
            raise MlplayError(f"no {path}", "give the folder holding the published files")
    labels = labels_src.read_text(encoding="utf-8").splitlines()
    folder = store.model_path(spec.name, root)
    with atomic_dir(folder) as tmp:
        (tmp / MODEL_FILE).write_bytes(model_src.read_bytes())
        (tmp / LABELS_FILE).write_text("\n".join(labels) + "\n", encoding="utf-8")
        card = _card(spec, tmp, labels, labels_src)
        card["real_photos"] = check_photos(spec, tmp, card, Path(source_dir) / "photos")
        if card["real_photos"]:
            card["metrics"] = {**card["metrics"], **card["real_photos"].pop("metrics")}
        (tmp / store.CARD_FILE).write_text(json.dumps(card, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return folder


def _card(spec: Bundled, folder: Path, labels: list[str], labels_src: Path) -> dict:
    from mlplay.download import sha256_file
    from mlplay.litert import LiteModel

    model = LiteModel(folder / MODEL_FILE)
    detail = model.inputs[0]
    shape = [int(v) for v in detail["shape"][1:]]
    part = (f"the central {spec.prepare['crop']:.1%} of each side" if spec.prepare["resize"] == "central-crop" else
            "the whole picture")
    how = f"{part} resized to {shape[1]}×{shape[0]} ({spec.prepare['interpolation']}, aspect not kept)"
    scale, zero = detail["quantization"]
    return {
        "name": spec.name, "family": FAMILY, "task": spec.task, "summary": spec.summary,
        "runtime": "LiteRT (no TensorFlow)", "fetch": f"mlplay data fetch {spec.name}",
        "input": {"shape": shape, "dtype": str(detail["dtype"].__name__), "colour": "RGB", **spec.prepare,
                  "normalise": MOBILENET_NORMALISE,
                  "preprocessing": f"RGB, {how}; (pixel − 127.5) / 127.5, quantized with scale {scale:g}, "
                                   f"zero point {zero}"},
        "outputs": [{"name": d["name"], "shape": [int(v) for v in d["shape"]], "dtype": d["dtype"].__name__,
                     "quantization": [float(d["quantization"][0]), int(d["quantization"][1])]} for d in model.outputs],
        "labels": labels,
        "data": {"source": spec.source, "note": "pretrained by its publisher; not trained or retrained by mlplay"},
        "metrics": dict(spec.published),
        "metrics_source": {k: spec.published_source for k in spec.published},
        "headline": next(iter(spec.published), None) or "real_photos_recall",
        "download": {"name": Path(spec.url).name, "url": spec.url, "member": spec.member},
        "sha256": {MODEL_FILE: sha256_file(folder / MODEL_FILE), LABELS_FILE: sha256_file(folder / LABELS_FILE)},
        "files": {MODEL_FILE: True, LABELS_FILE: True},
        "bytes": (folder / MODEL_FILE).stat().st_size,
        "licence": LICENCE, "credit": spec.credit,
        "command": portable_command(["python", "-m", "mlplay.vision.bundled", "install",
                                     str(labels_src.parent.parent)]),
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }


def check_photos(spec: Bundled, folder: Path, card: dict, photos: Path) -> dict:
    """What the model answers on the real photos whose right answer is known (empty when they are absent)."""
    from mlplay.card import parse
    from mlplay.imageio import read_bgr
    from mlplay.vision.lite import LiteClassifier, LiteDetector

    expected = CLASSIFY_PHOTOS if spec.task == "image-classification" else DETECT_PHOTOS
    if not all((photos / name).is_file() for name in expected):
        return {}
    model = store.Model(spec.name, folder, parse(card, spec.name))
    answers, found = {}, 0
    if spec.task == "image-classification":
        classifier = LiteClassifier(model)
        for name, right in expected.items():
            p = classifier.classify([read_bgr(photos / name)])[0]
            top3 = [(classifier.labels[i], round(float(p[i]), 3)) for i in p.argsort()[::-1][:3]]
            found += any(label in right for label, _ in top3)
            answers[name] = {"expected": sorted(right), "top3": top3}
        metrics = {"real_photos_top3_accuracy": round(found / len(expected), 4)}
    else:
        detector = LiteDetector(model)
        total = sum(len(right) for right in expected.values())
        for name, right in expected.items():
            image = read_bgr(photos / name)
            h, w = image.shape[:2]
            seen = detector(image, 0.4)
            found += len(right & {d.label for d in seen})
            answers[name] = {"expected": sorted(right),
                             "found": [[d.label, round(d.score, 3), d.pixels(w, h)] for d in seen]}
        metrics = {"real_photos_recall": round(found / total, 4)}
    return {"photos": answers, "metrics": metrics,
            "note": f"{len(expected)} photos from google-coral/test_data, score ≥ 0.4 for detections; "
                    "a sanity check on real pictures, not a benchmark"}


def main(argv: list[str]) -> None:
    if len(argv) != 2 or argv[0] != "install":
        sys.exit("usage: python -m mlplay.vision.bundled install FOLDER (holding the published files and photos/)")
    for spec in BUNDLED.values():
        print(f"{spec.name} → {install(spec, Path(argv[1]))}")


if __name__ == "__main__":
    main(sys.argv[1:])
