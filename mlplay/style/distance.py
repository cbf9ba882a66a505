"""Does it stylise? Distances measured with the features of a network that never saw the stylisation: the shipped
ImageNet classifier MobileNetV2 (mobilenet-quant, uint8), read at hidden layers through LiteRT.

- Style distance (Gatys et al. 2016): at four layers from fine to coarse, the Gram matrix of the features (how
  strongly each pair of channels fires together, averaged over positions: texture and colour, wherever they are);
  the distance of picture a to painting b is the mean over the layers of ‖G(a) − G(b)‖ / ‖G(b)‖. The painted photo
  should be nearer its painting than the photo was.
- Content distance: ‖F(a) − F(b)‖ / ‖F(b)‖ for the 14×14×576 features of a deep layer, which respond to objects and
  their places: the painted photo against its photo, beside the painting (scaled to the photo's size) against the
  photo, the distance of an unrelated picture.
- Recognisable: the classifier's top-5 classes of the painted photo still hold the photo's own top class.

Pictures are seen at 224 pixels on their shorter side, aspect kept: as many 224×224 squares as cover the longer
side, evenly overlapping, their Gram matrices averaged (squashing a tall photo and a wide painting into one square
would stretch their textures in opposite directions). `python -m mlplay.style.install` records the figures in the
card; `mlplay eval magenta-style --data PHOTOS` measures them again.
"""

import math
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from mlplay.errors import MlplayError

FEATURES_MODEL = "mobilenet-quant"
SIDE = 224
STYLE_LAYERS = ("MobilenetV2/Conv/Relu6",  # 112×112×32
                "MobilenetV2/expanded_conv_1/expand/Relu6",  # 112×112×96
                "MobilenetV2/expanded_conv_3/expand/Relu6",  # 56×56×144
                "MobilenetV2/expanded_conv_6/expand/Relu6")  # 28×28×192
CONTENT_LAYER = "MobilenetV2/expanded_conv_13/expand/Relu6"  # 14×14×576
CAT_CLASSES = {"tabby", "tiger cat", "Persian cat", "Siamese cat", "Egyptian cat"}  # ImageNet's domestic cats


@dataclass
class Seen:
    """What the network saw of a picture: the Gram matrix of each style layer, the content features of each square."""

    grams: dict[str, np.ndarray]
    content: list[np.ndarray]


def squares(bgr: np.ndarray, side: int = SIDE) -> list[np.ndarray]:
    """The picture with its shorter side scaled to `side`, cut into side×side squares that cover the longer side."""
    height, width = bgr.shape[:2]
    scale = side / min(height, width)
    w, h = max(side, round(width * scale)), max(side, round(height * scale))
    image = cv2.resize(bgr, (w, h), interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR)
    longer = max(w, h)
    count = math.ceil(longer / side)
    starts = [round(i * (longer - side) / (count - 1)) if count > 1 else 0 for i in range(count)]
    return [image[:, s:s + side] if w > h else image[s:s + side, :side] for s in starts]


def gram(features: np.ndarray) -> np.ndarray:
    """channels × channels: the features' correlations, averaged over the positions."""
    flat = features.reshape(-1, features.shape[-1]).astype(np.float64)
    return flat.T @ flat / len(flat)


class Features:
    """`features(bgr)` → Seen; the classifier's own preparation (RGB, (pixel − 127.5) / 127.5, quantized)."""

    def __init__(self, models_dir: Path | None = None):
        from mlplay.litert import LiteModel, pixel_table
        from mlplay.vision import bundled

        shipped = bundled.load(FEATURES_MODEL, models_dir)
        self.model = LiteModel(shipped.file(bundled.MODEL_FILE), 2, hint=bundled.hint(FEATURES_MODEL),
                               what=f"model '{FEATURES_MODEL}'", keep_tensors=True)
        self.table = pixel_table(self.model.inputs[0], 127.5, 127.5)

    def __call__(self, bgr: np.ndarray) -> Seen:
        grams, content = {layer: 0.0 for layer in STYLE_LAYERS}, []
        pieces = squares(bgr)
        for square in pieces:
            self.model.run(self.table[cv2.cvtColor(square, cv2.COLOR_BGR2RGB)][None])
            for layer in STYLE_LAYERS:
                grams[layer] = grams[layer] + gram(self.model.tensor(layer)[0]) / len(pieces)
            content.append(self.model.tensor(CONTENT_LAYER)[0].astype(np.float64))
        return Seen(grams, content)


def style_distance(a: Seen, painting: Seen) -> float:
    return float(np.mean([np.linalg.norm(a.grams[k] - painting.grams[k]) / np.linalg.norm(painting.grams[k])
                          for k in STYLE_LAYERS]))


def content_distance(a: Seen, photo: Seen) -> float:
    """Between two pictures of the same size (the same squares)."""
    return float(np.mean([np.linalg.norm(x - y) / np.linalg.norm(y) for x, y in zip(a.content, photo.content)]))


# Measuring (the card's figures, mlplay eval) ---------------------------------------------------------------------
def measure(model, photos: list[Path], strengths=(1.0, 0.5), models_dir: Path | None = None, log=print) -> dict:
    """Every shipped style on every photo, at each strength: the distances, and whether the classifier still sees
    the photo's own top class in the painted photo's top 5. `model` is a StyleModel."""
    from mlplay.download import sha256_file
    from mlplay.style.data import read_picture
    from mlplay.vision import bundled
    from mlplay.vision.lite import LiteClassifier

    features = Features(models_dir)
    classifier = LiteClassifier(bundled.load(bundled.DEFAULT_CLASSIFIER, models_dir))  # what `mlplay classify` runs

    def top(bgr, k):
        p = classifier.classify([bgr])[0]
        return [(classifier.labels[i], round(float(p[i]), 4)) for i in np.argsort(p)[::-1][:k]]

    pictures = {path.name: read_picture(path) for path in photos}
    seen = {name: features(bgr) for name, bgr in pictures.items()}
    own_top = {name: top(bgr, 1)[0][0] for name, bgr in pictures.items()}
    result = {"photos": {path.name: sha256_file(path) for path in photos}, "own_top1": own_top, "strengths": {}}
    for strength in strengths:
        pairs, kept, cat = {}, {}, {}
        for style in model.styles:
            painting = read_picture(style.path, "style picture")
            painting_seen, bottleneck = features(painting), model.bottlenecks(style)
            pairs[style.name], kept[style.name] = {}, 0
            for name, bgr in pictures.items():
                painted = model.styliser(bgr, bottleneck, strength)
                painted_seen = features(painted)
                scaled = features(cv2.resize(painting, (bgr.shape[1], bgr.shape[0]), interpolation=cv2.INTER_AREA))
                guesses = top(painted, 5)
                kept[style.name] += own_top[name] in [label for label, _ in guesses]
                pairs[style.name][name] = {
                    "style_photo": round(style_distance(seen[name], painting_seen), 4),
                    "style_painted": round(style_distance(painted_seen, painting_seen), 4),
                    "content_painted": round(content_distance(painted_seen, seen[name]), 4),
                    "content_painting": round(content_distance(scaled, seen[name]), 4)}
                if name.startswith("cat."):
                    cat[style.name] = {"top5": guesses, "cat_in_top5": any(g in CAT_CLASSES for g, _ in guesses)}
            log(f"strength {strength}: {style.name} measured on {len(pictures)} photos")
        result["strengths"][str(strength)] = {"pairs": pairs, "top1_kept_in_top5": kept, "cat": cat,
                                              **summarise(pairs)}
    return result


def summarise(pairs: dict) -> dict:
    """The figures over all styles and photos."""
    rows = [p for by_photo in pairs.values() for p in by_photo.values()]
    ratios = [p["style_painted"] / p["style_photo"] for p in rows]
    return {"style_distance_ratio": round(float(np.mean(ratios)), 4),
            "style_distance_ratio_max": round(float(np.max(ratios)), 4),
            "moved_towards_painting": sum(p["style_painted"] < p["style_photo"] for p in rows),
            "pairs_measured": len(rows),
            "content_painted_mean": round(float(np.mean([p["content_painted"] for p in rows])), 4),
            "content_painting_mean": round(float(np.mean([p["content_painting"] for p in rows])), 4)}


def metrics(result: dict) -> dict:
    """The card's metrics from a measurement: at full strength, over every style and photo."""
    from mlplay.style.painter import HEADLINE

    full = result["strengths"]["1.0"]
    return {HEADLINE: full["style_distance_ratio"],
            "moved_towards_painting_share": round(full["moved_towards_painting"] / full["pairs_measured"], 4),
            "content_painted_mean": full["content_painted_mean"],
            "content_painting_mean": full["content_painting_mean"]}


def rescore(model, data: Path | None) -> dict:
    """`mlplay eval magenta-style --data PHOTOS`: the card's metrics measured again, on the photos the card was
    measured on (checked by SHA-256). `model` is the store's handle of the shipped model."""
    from mlplay.download import sha256_file
    from mlplay.imageio import image_files
    from mlplay.style.painter import StyleModel

    recorded = model.card.raw.get("distances", {}).get("photos", {})
    names = ", ".join(recorded) or "no photos"
    if data is None:
        raise MlplayError("give the photos the card was measured on: mlplay eval magenta-style --data FOLDER",
                          f"they are {names} (google-coral/test_data)")
    photos = image_files([data])
    given = {path.name: sha256_file(path) for path in photos if path.is_file()}
    if given != recorded:
        raise MlplayError(f"{data} does not hold the photos the card was measured on",
                          f"give a folder of exactly {names} (google-coral/test_data)")
    root = model.folder.parent
    return metrics(measure(StyleModel(root), photos, (1.0,), root, log=lambda *_: None))
