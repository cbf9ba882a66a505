"""The measurement that chose how the bundled models prepare pictures (preparation.py): each choice on labelled photos.

`python -m mlplay.vision.measure_preparation IMAGENET_FOLDER PHOTO_FOLDER…` gives the figures in docs/vision.md. It
reads only the folders it is given; nothing here runs in the product.
"""

import numpy as np

CLASSIFIER_CHOICES = {
    "central 87.5 %, bilinear (TF-slim evaluation)": {"resize": "central-crop", "crop": 0.875,
                                                       "interpolation": "bilinear"},
    "shorter side, area, centre square (before)": {"resize": "centre-crop"},
    "central 87.5 %, bilinear as TensorFlow 1": {"resize": "central-crop", "crop": 0.875,
                                                  "interpolation": "bilinear-tf1"},
    "central 87.5 %, area": {"resize": "central-crop", "crop": 0.875, "interpolation": "area"},
    "whole picture, bilinear": {"resize": "stretch", "interpolation": "bilinear"},
}
DETECTOR_CHOICES = {
    "whole picture, bilinear (object detection API)": {"resize": "stretch", "interpolation": "bilinear"},
    "whole picture, area (before)": {"resize": "stretch"},
    "whole picture, bilinear as TensorFlow 1": {"resize": "stretch", "interpolation": "bilinear-tf1"},
}
# What a right answer is on the COCO-style photos: google-coral/test_data and Debian's darknet package
# (/usr/share/darknet/data). A found label counts when it scores at least MIN_SCORE.
DETECT_EXPECTED = {
    "kite_and_cold.jpg": {"person", "kite"}, "pets.jpg": {"dog"}, "cat.bmp": {"cat"}, "parrot.jpg": {"bird"},
    "grace_hopper.bmp": {"person"}, "hot_dog.jpg": {"hot dog"}, "bird.bmp": {"bird"}, "owl.jpg": {"bird"},
    "dog.jpg": {"dog", "bicycle", "truck"}, "person.jpg": {"person", "dog", "horse"}, "horses.jpg": {"horse"},
    "giraffe.jpg": {"giraffe", "zebra"}, "eagle.jpg": {"bird"},  # darknet's kite.jpg is kite_and_cold.jpg
}
MIN_SCORE = 0.4
# ImageNet classes that name one COCO category, so that the ImageNet photos also check the detector: by class number
# in the 1,000 (0-based; the bird, dog, cat and bear blocks of the WordNet order) and by name (the first synonym).
COCO_BLOCKS = {"bird": [(7, 24), (80, 100), (127, 146)], "dog": [(151, 268)], "cat": [(281, 285)],
               "bear": [(294, 297)], "elephant": [(101, 101), (385, 386)]}
COCO_NAMES = {"bullet train": "train", "container ship": "boat", "fireboat": "boat", "speedboat": "boat",
              "yawl": "boat", "minibus": "bus", "trolleybus": "bus", "motor scooter": "motorcycle",
              "teddy": "teddy bear", "hotdog": "hot dog", "orange": "orange", "banana": "banana",
              "backpack": "backpack", "water bottle": "bottle", "Windsor tie": "tie", "groom": "person",
              **{ball: "sports ball" for ball in ("basketball", "croquet ball", "golf ball", "ping-pong ball",
                                                 "volleyball")}}


def coco_label(index: int, label: str) -> str | None:
    """The COCO category the ImageNet class `index` (1-based, as in the 1,001-label model) names, if one does."""
    for coco, blocks in COCO_BLOCKS.items():
        if any(first <= index - 1 <= last for first, last in blocks):
            return coco
    return COCO_NAMES.get(label)


def imagenet_photos(folder) -> list[tuple]:
    """(path, class index in the 1,001-label models) for each `<wnid>_<name>.JPEG`; `wnids.txt` gives the order of
    the 1,000 classes, which follow "background" (index 0)."""
    from pathlib import Path

    folder = Path(folder)
    order = {wnid: i + 1 for i, wnid in enumerate((folder / "wnids.txt").read_text().split())}
    return [(path, order[path.name.split("_")[0]]) for path in sorted(folder.glob("*.JPEG"))]


def classifier_figures(classifier, photos: list[tuple]) -> dict:
    """Top-1 and top-5 accuracy of each choice, and which photos each got right at top-1."""
    from mlplay.imageio import read_bgr

    pictures = [(read_bgr(path), index) for path, index in photos]
    figures = {}
    for name, spec in CLASSIFIER_CHOICES.items():
        classifier.prepare.spec = spec
        ranks, right = [], []
        for bgr, index in pictures:
            p = classifier.classify([bgr])[0]
            ranks.append(int((p > p[index]).sum()))  # 0: the right class came first
            right.append(float(p[index]))
        ranks = np.array(ranks)
        figures[name] = {"top1": float((ranks == 0).mean()), "top5": float((ranks < 5).mean()), "right": ranks == 0,
                         "probability": float(np.mean(right)), "probabilities": np.array(right)}
    return figures


def best_scores(detector, bgr: np.ndarray) -> dict[str, float]:
    """The detector's best score for each label it finds in the picture."""
    _, scores, lines = detector.raw(bgr)
    best = {}
    for score, line in zip(scores, lines):
        label = detector.labels.get(int(line))
        if label is not None and score > best.get(label, 0.0):
            best[label] = float(score)
    return best


def detector_figures(detector, photos: list, imagenet: list[tuple], labels: list[str]) -> dict:
    """For each choice: the expected objects found (score ≥ MIN_SCORE) and their best scores on the COCO-style
    photos, photo by photo; and the share of ImageNet photos of a COCO category in which it finds that category."""
    from mlplay.imageio import read_bgr

    pictures = [(path.name, read_bgr(path)) for path in photos if path.name in DETECT_EXPECTED]
    named = [(read_bgr(path), coco_label(index, labels[index])) for path, index in imagenet]
    named = [(bgr, coco) for bgr, coco in named if coco is not None]
    figures = {}
    for name, spec in DETECTOR_CHOICES.items():
        detector.prepare.spec = spec
        rows = {photo: best_scores(detector, bgr) for photo, bgr in pictures}
        expected = [(photo, label) for photo, _ in pictures for label in sorted(DETECT_EXPECTED[photo])]
        found = [rows[photo].get(label, 0.0) for photo, label in expected]
        proxy = [best_scores(detector, bgr).get(coco, 0.0) for bgr, coco in named]
        figures[name] = {"recall": sum(s >= MIN_SCORE for s in found) / len(found), "found": len(found),
                         "mean_score": float(np.mean(found)), "photos": rows, "imagenet": len(proxy),
                         "scores": np.array(found + proxy),
                         "imagenet_recall": sum(s >= MIN_SCORE for s in proxy) / len(proxy),
                         "imagenet_score": float(np.mean(proxy)),
                         "imagenet_right": np.array(proxy) >= MIN_SCORE}
    return figures


def paired_interval(a: np.ndarray, b: np.ndarray, draws: int = 10000, seed: int = 0) -> tuple[float, float, float]:
    """The mean of a − b over the same photos, with a 95 % bootstrap interval (photos drawn with replacement)."""
    diff = np.asarray(a, np.float64) - np.asarray(b, np.float64)
    means = diff[np.random.default_rng(seed).integers(0, len(diff), (draws, len(diff)))].mean(axis=1)
    return float(diff.mean()), float(np.percentile(means, 2.5)), float(np.percentile(means, 97.5))


def main(argv: list[str]) -> None:
    import sys
    from pathlib import Path

    from mlplay.vision.bundled import DEFAULT_CLASSIFIER, DEFAULT_DETECTOR, load
    from mlplay.vision.lite import LiteClassifier, LiteDetector

    if len(argv) < 2:
        sys.exit("usage: python -m mlplay.vision.measure_preparation IMAGENET_FOLDER PHOTO_FOLDER_OR_FILE…")
    photos = [p for arg in argv[1:] for p in (sorted(Path(arg).iterdir()) if Path(arg).is_dir() else [Path(arg)])]
    classifier, detector = LiteClassifier(load(DEFAULT_CLASSIFIER)), LiteDetector(load(DEFAULT_DETECTOR))
    imagenet = imagenet_photos(argv[0])
    figures = classifier_figures(classifier, imagenet)
    print(f"{DEFAULT_CLASSIFIER} on {len(imagenet)} ImageNet photos ({argv[0]}):")
    chosen = next(iter(figures.values()))
    for name, f in figures.items():
        gained, lost = int((chosen["right"] & ~f["right"]).sum()), int((~chosen["right"] & f["right"]).sum())
        print(f"  {name:48s} top-1 {f['top1']:6.1%}  top-5 {f['top5']:6.1%}  mean probability of the right class "
              f"{f['probability']:.3f}")
        if f is not chosen:
            mean, low, high = paired_interval(chosen["probabilities"], f["probabilities"])
            print(f"  {'':48s} the first choice: right on {gained} photos this misses, wrong on {lost} it gets; "
                  f"probability {mean:+.3f} (95 % interval {low:+.3f} to {high:+.3f})")
    figures = detector_figures(detector, photos, imagenet, classifier.labels)
    first = next(iter(figures.values()))
    print(f"{DEFAULT_DETECTOR} on {len(first['photos'])} COCO-style photos, {first['found']} expected objects, and on "
          f"the {first['imagenet']} ImageNet photos whose class names a COCO category (found = score ≥ {MIN_SCORE}):")
    for name, f in figures.items():
        print(f"  {name:48s} found {f['recall']:6.1%} (mean score {f['mean_score']:.3f});  ImageNet photos "
              f"{f['imagenet_recall']:6.1%} (mean score {f['imagenet_score']:.3f})")
        if f is not first:
            gained = int((first["imagenet_right"] & ~f["imagenet_right"]).sum())
            lost = int((~first["imagenet_right"] & f["imagenet_right"]).sum())
            mean, low, high = paired_interval(first["scores"], f["scores"])
            print(f"  {'':48s} the first choice: finds {gained} ImageNet photos' objects this misses, misses {lost}; "
                  f"score over all {len(f['scores'])} objects {mean:+.3f} (95 % interval {low:+.3f} to {high:+.3f})")
    for photo in first["photos"]:
        print(f"  {photo}: expected {', '.join(sorted(DETECT_EXPECTED[photo]))}")
        for name, f in figures.items():
            seen = ", ".join(f"{label} {score:.2f}" for label, score in
                             sorted(f["photos"][photo].items(), key=lambda kv: -kv[1]) if score >= MIN_SCORE)
            print(f"    {name.split(' (')[0]:30s} {seen or '-'}")


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
