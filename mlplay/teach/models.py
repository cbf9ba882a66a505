"""Taught models: trained from examples, saved as `models/NAME/`, and then ordinary models (`mlplay predict NAME`,
`mlplay models`, `mlplay eval NAME`).

A taught model is the backbone `mlplay data fetch mobilenet-v2` made (its LiteRT feature extractor, named in the
card by its SHA-256) and a head (head.py) saved as `head.npz`. Its card (family `teach`, kind `taught`) records the
labels, the examples of each label and how many were held out, the held-out accuracy, where the examples are, and
the backbone's SHA-256: a model is refused if the backbone it was taught on has changed.

FAMILY: no declared models (each taught model has a name of its own: `for_card` reads it), the `teach` alias of
`mlplay train` (`--data DIR --name NAME [--force]`, trained here without the Keras loop), and how `predict` and
`eval` run a taught model.
"""

from __future__ import annotations

import json
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from mlplay import store
from mlplay.errors import MlplayError
from mlplay.experiment import Experiment, Family, Predict, TrainOption, TrainRequest
from mlplay.teach import head as heads
from mlplay.teach.data import Examples, check_examples, held_out, load_folder

FAMILY_NAME, KIND = "teach", "taught"
HEAD_FILE = "head.npz"


def is_taught(card: dict) -> bool:
    return card.get("family") == FAMILY_NAME and card.get("kind") == KIND


def taught_card(name: str, models_root: Path | None = None) -> dict | None:
    """The card of a taught model of this name, None when there is none (or the folder holds another kind)."""
    if not (store.model_path(name, models_root) / store.CARD_FILE).exists():
        return None
    try:
        card = store.open(name, models_root).card.raw
    except MlplayError:
        return None
    return card if is_taught(card) else None


def check_name(name: str, models_root: Path | None = None, force: bool = False) -> None:
    """A taught model may replace an earlier taught model of the same name, never a shipped or built-in one unless
    `force`."""
    from mlplay import registry

    folder = store.model_path(name, models_root)  # one-line error for a bad name
    if name in registry.aliases():
        raise MlplayError(f"'{name}' is a word mlplay train reads as a command", "choose another --name")
    if force:
        return
    shipped = (folder / store.CARD_FILE).exists() and taught_card(name, models_root) is None
    if name in registry.experiments() or shipped:
        raise MlplayError(f"'{name}' is a model mlplay ships or trains: teaching would replace {folder}",
                          f"choose another name, e.g. my-{name}; or --force to replace it")


def train(examples: Examples, log=None) -> tuple[heads.Head, dict]:
    """The head on the examples outside the held-out time blocks, and its accuracy on those blocks."""
    check_examples(examples)
    started = time.perf_counter()
    x, y, held = examples.arrays()
    head = heads.fit(x[~held], y[~held], len(examples.labels))
    accuracy = heads.accuracy(head, x[held], y[held])
    per_label = {}
    for i, label in enumerate(examples.labels):
        n = int(np.sum(y == i))
        right = int(np.sum(head.logits(x[held & (y == i)]).argmax(axis=1) == i))
        per_label[label] = {"examples": n, "trained_on": int(np.sum(~held & (y == i))),
                            "held_out": int(np.sum(held & (y == i))), "held_out_right": right}
    report = {"held_out_accuracy": round(accuracy, 6), "per_label": per_label,
              "seconds": round(time.perf_counter() - started, 3), "examples": int(len(y)),
              "held_out": int(held.sum())}
    if log:
        log(f"taught on {int((~held).sum())} examples; held-out accuracy {accuracy:.1%} on {int(held.sum())}")
    return head, report


def save(name: str, head: heads.Head, labels: list[str], report: dict, backbone: dict, source: str, folder: Path,
         command: str, models_root: Path | None = None) -> Path:
    """Write models/NAME/ (head.npz, labels.txt, card.json) in one atomic swap."""

    from mlplay.download import sha256_file
    from mlplay.fileio import atomic_dir
    from mlplay.paths import portable
    from mlplay.teach.head import L2, LEARNING_RATE, STEPS

    target = store.model_path(name, models_root)
    card = {
        "name": name,
        "family": FAMILY_NAME,
        "kind": KIND,
        "task": "image-classification",
        "summary": f"taught: softmax regression on MobileNetV2 ImageNet features, {len(labels)} labels",
        "labels": labels,
        "headline": "held_out_accuracy",
        "metrics": {"held_out_accuracy": report["held_out_accuracy"]},
        "input": {"resize": "centre square of the picture, scaled to 224×224", "colour": "RGB", "range": "0–255"},
        "backbone": {"name": backbone["name"], "file": "features.tflite",
                     "sha256": backbone["sha256"]["features.tflite"],
                     "weights_digest": backbone["conversion"]["weights_digest"], "licence": backbone["licence"],
                     "where": "datasets/mobilenet-v2 (mlplay data fetch mobilenet-v2)"},
        "head": {"kind": "softmax regression on the 1,280 pooled features (centred, scaled), class-balanced",
                 "steps": STEPS, "learning_rate": LEARNING_RATE, "l2": L2, "seconds": report["seconds"]},
        "data": {"source": source, "folder": portable(folder), "per_label": report["per_label"],
                 "examples": report["examples"], "held_out": report["held_out"],
                 "held_out_rule": "a fifth of each label's examples in time order: of ten runs of neighbouring "
                                  "examples, the 5th and the 10th; the head never sees them"},
        "command": command,
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    with store.writing(target), atomic_dir(target) as tmp:
        head.save(tmp / HEAD_FILE)
        (tmp / store.LABELS_FILE).write_text("\n".join(labels) + "\n", encoding="utf-8")
        card["sha256"] = {p.name: sha256_file(p) for p in sorted(tmp.iterdir()) if p.is_file()}
        (tmp / store.CARD_FILE).write_text(json.dumps(card, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return target


class Taught:
    """A saved taught model at run time: `model(bgr)` → probabilities over its labels (LiteRT + numpy, no TF)."""

    def __init__(self, name: str, models_root: Path | None = None, features=None):
        from mlplay.vision.backbone import Features

        self.model = store.open(name, models_root)
        self.card = self.model.card.raw
        if not is_taught(self.card):
            raise MlplayError(f"{name} is not a taught model")
        self.name, self.labels = name, list(self.card["labels"])
        self.features = features or Features()
        if self.features.sha256 != self.card["backbone"]["sha256"]:
            raise MlplayError(f"{name} was taught on another backbone than the one in datasets/mobilenet-v2",
                              f"teach it again: mlplay train teach --data DIR --name {name} (DIR: its examples, "
                              f"{self.card['data']['folder']})")
        path = self.model.file(HEAD_FILE)  # checked against the card's SHA-256
        with self.model.opening(HEAD_FILE):
            self.head = heads.Head.load(path)
        if self.head.w.shape[1] != len(self.labels):
            raise MlplayError(f"{name}: the head has {self.head.w.shape[1]} outputs for {len(self.labels)} labels",
                              f"rebuild it with: {self.model.card.rebuild}")
        self.backend = "litert"

    def __call__(self, bgr: np.ndarray) -> np.ndarray:
        return self.head.probabilities(self.features(bgr))

    def top(self, probabilities: np.ndarray, k: int = 1) -> list[tuple[str, float]]:
        order = np.argsort(probabilities)[::-1][:k]
        return [(self.labels[i], float(probabilities[i])) for i in order]


def predict_files(request: Predict) -> None:
    """`mlplay predict NAME PHOTO…` for a taught model: one line (or JSON object) a picture, as for every model."""
    from mlplay.imageio import Batch, read_bgr
    from mlplay.predict import print_guesses

    model = Taught(request.name, request.models_root)
    batch = Batch(request.paths, read_bgr, strict=request.strict)
    for path, picture in batch:
        print_guesses(path, model.top(model(picture), request.top), request.jsonl)
    batch.done()


def rescore(model: store.Model, data: Path | None) -> dict:
    """`mlplay eval NAME`: the saved head on the held-out examples again (the first examples of each label, as many
    as the card records, from the card's folder or --data)."""
    from mlplay.paths import from_portable

    card = model.card.raw
    taught = Taught(model.name, model.folder.parent)
    where = card["data"]["folder"]
    if data is None and "outside the project" in where:
        raise MlplayError(f"{model.name} was taught from pictures outside the project ({where})",
                          f"give that folder with: mlplay eval {model.name} --data DIR")
    folder = Path(data) if data else from_portable(where)
    examples = load_folder(folder, taught.features, labels=taught.labels, cache=False)
    x, y = [], []
    for i, label in enumerate(taught.labels):
        want = card["data"]["per_label"][label]["examples"]
        rows = examples.features[label]
        if len(rows) < want:
            raise MlplayError(f"{folder}/{label} has {len(rows)} pictures; the model was taught on {want}",
                              "give the folder it was taught from with --data")
        mask = held_out(want)
        x += [r for r, m in zip(rows[:want], mask) if m]
        y += [i] * int(mask.sum())
    return {"held_out_accuracy": round(heads.accuracy(taught.head, np.array(x), np.array(y)), 6)}


def for_card(card: dict) -> Experiment:
    """The experiment behind a taught model's card: its labels, and how predict and eval run it."""
    return Experiment(name=card["name"], task="image-classification", summary=card.get("summary", ""),
                      labels=list(card.get("labels", [])), headline="held_out_accuracy",
                      predict_files=predict_files, rescore=rescore)


def train_folder(data: Path | None, name: str | None, force: bool, models_dir: Path | None) -> dict:
    """`mlplay train teach --data DIR --name NAME`: the same model from a folder of class folders, no window."""
    from mlplay.paths import portable_command
    from mlplay.vision.backbone import Features

    if not name:
        raise MlplayError("teaching needs --name NAME", "e.g. mlplay train teach --data photos/ --name mine")
    if data is None:
        raise MlplayError("teaching needs --data DIR, a folder with one folder of pictures per label",
                          f"e.g. mlplay train teach --data photos/ --name {name}")
    check_name(name, models_dir, force)
    features = Features()
    examples = load_folder(data, features, log=lambda m: print(m, file=sys.stderr, flush=True))
    print(f"{name}: " + ", ".join(f"{label} {n}" for label, n in examples.counts().items()) + f" pictures in {data}")
    head, report = train(examples, log=print)
    where = save(name, head, examples.labels, report, features.card, str(data), Path(data),
                        portable_command(["mlplay", *sys.argv[1:]]), models_dir)
    print(f"saved {where}")
    return json.loads((where / "card.json").read_text(encoding="utf-8"))


def teach_alias(request: TrainRequest) -> Experiment:
    """`mlplay train teach --data DIR --name NAME [--force]`: a taught model from a folder of class folders."""
    force = bool(request.options.get("force"))

    def trains(exp, cfg) -> dict:
        return train_folder(cfg.data, cfg.save_as, force, cfg.models_root)

    return Experiment(name=request.save_as or "teach", task="image-classification",
                      summary="taught: a head on MobileNetV2 ImageNet features, from a folder of class folders",
                      trains=trains)


FAMILY = Family(
    name=FAMILY_NAME, experiments=[], aliases={"teach": teach_alias}, for_card=for_card,
    options=(TrainOption("--force", "teach: replace a shipped model of that --name.", flag_only=True),),
    help="teach --data DIR --name NAME (--force): a head on ImageNet features (camera teach does it live)")
