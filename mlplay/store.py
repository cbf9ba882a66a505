"""The model store: `models/<name>/` holds model.keras, model.tflite, card.json and labels.txt.

Reading cards and listing models never imports TensorFlow; only `load_keras` and `save` do.
"""

import json
from pathlib import Path

from mlplay.errors import MlplayError
from mlplay.fileio import atomic_dir
from mlplay.paths import models_dir

KERAS_FILE = "model.keras"
LITERT_FILE = "model.tflite"
CARD_FILE = "card.json"
LABELS_FILE = "labels.txt"


def model_path(name: str, root: Path | None = None) -> Path:
    if not name or "/" in name or name.startswith("."):
        raise MlplayError(f"bad model name {name!r}", "use a name such as digits-cnn")
    return Path(root or models_dir()) / name


def load_card(name: str, root: Path | None = None) -> dict:
    path = model_path(name, root) / CARD_FILE
    if not path.exists():
        raise MlplayError(
            f"no model '{name}' in {path.parent.parent}",
            f"train it with: mlplay train {name}",
        )
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise MlplayError(f"cannot read {path}: {e}", f"retrain with: mlplay train {name}") from None


def list_cards(root: Path | None = None) -> list[dict]:
    root = Path(root or models_dir())
    if not root.is_dir():
        return []
    cards = []
    for card in sorted(root.glob(f"*/{CARD_FILE}")):
        if card.parent.name.startswith("."):
            continue
        try:
            cards.append(json.loads(card.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            continue
    return cards


def folder_size(name: str, root: Path | None = None) -> int:
    folder = model_path(name, root)
    return sum(f.stat().st_size for f in folder.iterdir() if f.is_file())


def save(model, card: dict, root: Path | None = None, extra=None) -> Path:
    """Write model.keras, the LiteRT export, card.json and labels.txt; swap the folder in atomically.

    `extra(folder)`, when given, writes more files into the new folder (e.g. numpy weights).
    """
    folder = model_path(card["name"], root)
    with atomic_dir(folder) as tmp:
        _without_optimizer(model).save(tmp / KERAS_FILE)
        card = dict(card, files={KERAS_FILE: True, LITERT_FILE: export_litert(model, tmp / LITERT_FILE)})
        if extra is not None:
            extra(tmp)
            card["files"].update({p.name: True for p in tmp.iterdir() if p.name not in card["files"]})
        (tmp / CARD_FILE).write_text(json.dumps(card, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        if card.get("labels"):
            (tmp / LABELS_FILE).write_text("\n".join(card["labels"]) + "\n", encoding="utf-8")
    return folder


def _without_optimizer(model):
    """A copy with the same weights and no optimizer state: a third of the size on disk."""
    import keras

    clean = keras.Model.from_config(model.get_config())
    clean.set_weights(model.get_weights())
    return clean


def export_litert(model, path: Path) -> bool:
    """Export for the LiteRT interpreter; False when the graph needs ops it lacks (then TF is used)."""
    import contextlib
    import io

    import tensorflow as tf

    from mlplay.runtime import quiet_stderr

    try:
        with contextlib.redirect_stdout(io.StringIO()), quiet_stderr():  # the converter's C++ errors, if any
            flatbuffer = tf.lite.TFLiteConverter.from_keras_model(model).convert()
        path.write_bytes(flatbuffer)
        return True
    except Exception:  # noqa: BLE001 - any converter failure means "no LiteRT file"
        path.unlink(missing_ok=True)
        return False


def load_keras(name: str, root: Path | None = None):
    load_card(name, root)  # a clear error if the model is missing
    import keras

    return keras.models.load_model(model_path(name, root) / KERAS_FILE)
