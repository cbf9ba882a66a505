"""The model store: `models/<name>/` holds model.keras, model.tflite, card.json and labels.txt.

Reading cards and listing models never imports TensorFlow; only `load_keras` and `save` do.
`save` records each file's SHA-256 in the card (`sha256`); `load_card` checks them, so a truncated or
corrupted file is a one-line error naming the model and the command that rebuilds it, never a traceback.
"""

import json
from contextlib import contextmanager
from pathlib import Path

from mlplay.download import sha256_file
from mlplay.errors import MlplayError, closest
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


def load_card(name: str, root: Path | None = None, check: bool | tuple[str, ...] = True) -> dict:
    """The model's card; with `check`, its files (True: all; a tuple: those named) are verified against the
    SHA-256s the card records."""
    path = model_path(name, root) / CARD_FILE
    if not path.exists():
        raise MlplayError(f"no model '{name}' in {path.parent.parent}", _missing_hint(name, root))
    try:
        card = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise MlplayError(f"cannot read {path}: {e}", f"retrain with: mlplay train {name}") from None
    if check:
        bad = damaged(name, root, card, None if check is True else check)
        if bad:
            raise MlplayError(f"model '{name}' is damaged: {', '.join(bad)} not as it was saved",
                              rebuild_hint(card))
    return card


def damaged(name: str, root: Path | None = None, card: dict | None = None,
            files: tuple[str, ...] | None = None) -> list[str]:
    """The files (all, or those in `files`) whose content differs from the SHA-256 the card records (missing ones too).

    Cards written before hashes were recorded have none: nothing to compare, so nothing is reported
    (loading such a model still fails in one line, see `opening`)."""
    card = card if card is not None else load_card(name, root, check=False)
    folder = model_path(name, root)
    return [file if (folder / file).is_file() else f"{file} (missing)"
            for file, digest in sorted(card.get("sha256", {}).items())
            if (files is None or file in files)
            and (not (folder / file).is_file() or sha256_file(folder / file) != digest)]


def rebuild_hint(card: dict) -> str:
    """How to get a good copy of this model: the command its card says made it."""
    return f"rebuild it with: {card.get('command') or 'mlplay train ' + card.get('name', 'NAME')}"


@contextmanager
def opening(name: str, file: str, root: Path | None = None):
    """Turn any failure to load one of a model's files into a one-line error naming the model and its rebuild."""
    try:
        yield
    except MlplayError:
        raise
    except Exception as e:  # noqa: BLE001 - a file that does not load (truncated, corrupt, foreign) is a bad model
        try:
            hint = rebuild_hint(load_card(name, root, check=False))
        except MlplayError:
            hint = f"rebuild it with: mlplay train {name}"
        reason = str(e).strip().splitlines()[0][:120] if str(e).strip() else type(e).__name__
        raise MlplayError(f"model '{name}': {file} is damaged or unreadable: {reason}", hint) from None


def _missing_hint(name: str, root: Path | None) -> str:
    """Train it if it is a model mlplay can train; else the closest real model; never a command that cannot work."""
    from mlplay import experiments

    trainable = experiments.all_experiments()
    if name in trainable:
        return f"train it with: mlplay train {name}"
    guess = closest(name, [*trainable, *(c["name"] for c in list_cards(root))])
    return f"did you mean {guess}?" if guess else "see the models: mlplay models --all"


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


def save(model, card: dict, root: Path | None = None, extra=None, litert=None, keep_keras: bool = True) -> Path:
    """Write model.keras, the LiteRT export, card.json and labels.txt; swap the folder in atomically.

    `extra(folder)`, when given, writes more files into the new folder (e.g. numpy weights); `litert(model)` gives
    the LiteRT file's bytes instead of the float export (e.g. quantized); `keep_keras=False` leaves model.keras out.
    """
    folder = model_path(card["name"], root)
    with atomic_dir(folder) as tmp:
        files = {}
        if keep_keras:
            _without_optimizer(model).save(tmp / KERAS_FILE)
            files[KERAS_FILE] = True
        if litert is not None:
            (tmp / LITERT_FILE).write_bytes(litert(model))
            files[LITERT_FILE] = True
        else:
            files[LITERT_FILE] = export_litert(model, tmp / LITERT_FILE)
        card = dict(card, files=files)
        if extra is not None:
            extra(tmp)
            card["files"].update({p.name: True for p in tmp.iterdir() if p.name not in card["files"]})
        if card.get("labels"):
            (tmp / LABELS_FILE).write_text("\n".join(card["labels"]) + "\n", encoding="utf-8")
        card["sha256"] = {p.name: sha256_file(p) for p in sorted(tmp.iterdir()) if p.is_file()}
        (tmp / CARD_FILE).write_text(json.dumps(card, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
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
    load_card(name, root)  # a clear error if the model is missing or damaged
    import keras

    with opening(name, KERAS_FILE, root):
        return keras.models.load_model(model_path(name, root) / KERAS_FILE)
