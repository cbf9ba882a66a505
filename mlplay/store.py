"""The model store: `models/<name>/` holds the model's files and its card (card.json).

`open(name)` is the one way in: it reads and checks the card once and returns a `Model` handle, whose files are
verified against the SHA-256 the card records the first time each is used. A missing, damaged or foreign model is
a one-line error naming it and the command that rebuilds it, never a traceback. Listing models never imports
TensorFlow; only `Model.keras` and `save` do.
"""

import json
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from mlplay import card as cards
from mlplay.card import Card, CardError
from mlplay.download import sha256_file
from mlplay.errors import MlplayError
from mlplay.fileio import atomic_dir
from mlplay.paths import check_model_name, models_dir, shipped_models_dir

KERAS_FILE = "model.keras"
LITERT_FILE = "model.tflite"
CARD_FILE = "card.json"
LABELS_FILE = "labels.txt"


def model_path(name: str, root: Path | None = None) -> Path:
    """Where the model `name` is saved: in `root`, else in the models folder in use."""
    return Path(root or models_dir()) / check_model_name(name)


def find(name: str, root: Path | None = None) -> Path:
    """Where the model `name` is read from: its folder in the models folder in use, else (an installed mlplay with
    no models folder chosen) the shipped one in the package; the former when neither has it."""
    folder = model_path(name, root)
    shipped = shipped_models_dir(root)
    if not (folder / CARD_FILE).is_file() and shipped is not None and (shipped / name / CARD_FILE).is_file():
        return shipped / name
    return folder


def exists(name: str, root: Path | None = None) -> bool:
    """Whether there is a model called `name` (its card, at least) to open."""
    return (find(name, root) / CARD_FILE).is_file()


@dataclass
class Model:
    """A model folder whose card has been read and checked."""

    name: str
    folder: Path
    card: Card
    _verified: set = field(default_factory=set)

    @property
    def labels(self) -> list[str]:
        return list(self.card.labels)

    def has(self, file: str) -> bool:
        return (self.folder / file).is_file()

    def file(self, file: str) -> Path:
        """The path of one of its files, checked against the card's SHA-256 (once): a one-line error when it is
        missing or differs from what was saved."""
        path = self.folder / file
        if file not in self._verified:
            if not path.is_file():
                raise MlplayError(f"model '{self.name}': {file} is missing", f"rebuild it with: {self.card.rebuild}")
            digest = self.card.sha256.get(file)
            if digest and sha256_file(path) != digest:
                raise MlplayError(f"model '{self.name}' is damaged: {file} not as it was saved",
                                  f"rebuild it with: {self.card.rebuild}")
            self._verified.add(file)
        return path

    def damaged(self) -> list[str]:
        """Its files whose content differs from the card's SHA-256 (missing ones too)."""
        return [f if (self.folder / f).is_file() else f"{f} (missing)" for f, digest in sorted(self.card.sha256.items())
                if not (self.folder / f).is_file() or sha256_file(self.folder / f) != digest]

    def litert(self, file: str = LITERT_FILE, threads: int = 2):
        from mlplay.litert import LiteModel

        return LiteModel(self.file(file), threads, hint=f"rebuild it with: {self.card.rebuild}",
                         what=f"model '{self.name}' ({file})")

    def keras(self):
        """The Keras model (imports TensorFlow)."""
        path = self.file(KERAS_FILE)
        from mlplay.console import tensorflow

        tensorflow()
        import keras

        with self.opening(KERAS_FILE):
            return keras.models.load_model(path, compile=False)

    @contextmanager
    def opening(self, file: str):
        """Turn any failure to load one of its files into a one-line error naming the model and its rebuild."""
        try:
            yield
        except MlplayError:
            raise
        except Exception as e:  # noqa: BLE001 - a file that does not load (truncated, corrupt, foreign) is a bad model
            reason = str(e).strip().splitlines()[0][:120] if str(e).strip() else type(e).__name__
            raise MlplayError(f"model '{self.name}': {file} is damaged or unreadable: {reason}",
                              f"rebuild it with: {self.card.rebuild}") from None

    @property
    def size(self) -> int:
        return sum(f.stat().st_size for f in self.folder.iterdir() if f.is_file())


def open(name: str, root: Path | None = None) -> Model:  # noqa: A001 - store.open reads as what it does
    """The model `name`, its card read and checked; a one-line error when there is none or its card is broken."""
    folder = find(name, root)
    if not (folder / CARD_FILE).is_file():
        raise MlplayError(f"no model '{name}' in {folder.parent}", _missing_hint(name, root))
    try:
        card = cards.read(folder / CARD_FILE)
    except CardError as e:
        raise MlplayError(f"model '{name}' is broken: {e.message}", f"rebuild it with: mlplay train {name}") from None
    if card.name != name:
        raise MlplayError(f"model folder '{name}' holds a card for '{card.name}' (renamed or copied?)",
                          f"rename the folder back to {card.name}, or retrain under the new name")
    return Model(name, folder, card)


def open_folder(folder: Path) -> Model:
    """A model saved in any folder (e.g. a run's `model/`), its card read and checked."""
    folder = Path(folder)
    try:
        card = cards.read(folder / CARD_FILE)
    except CardError as e:
        raise MlplayError(f"the model in {folder} is broken: {e.message}") from None
    return Model(card.name, folder, card)


def _missing_hint(name: str, root: Path | None) -> str:
    """Train it if it is a model mlplay can train; else the closest real model; never a command that cannot work."""
    from mlplay import registry
    from mlplay.errors import closest

    declared = registry.experiments()
    if name in declared:
        exp = declared[name]
        return f"train it with: mlplay train {name}" if exp.trainable else f"get it with: {exp.fetch}"
    guess = closest(name, [*declared, *(m.name for m in listing(root) if m.card)])
    return f"did you mean {guess}?" if guess else "see the models: mlplay models --all"


@dataclass(frozen=True)
class Listed:
    """A folder of the models folder, as `mlplay models` shows it: its model, or why it cannot be used."""

    name: str
    model: Model | None
    problem: str | None = None

    @property
    def card(self) -> Card | None:
        return self.model.card if self.model else None


def listing(root: Path | None = None) -> list[Listed]:
    """Every model folder (not hidden, not temporary), each opened or with the reason it cannot be; an installed
    mlplay's shipped models too, unless the models folder in use has one of the same name."""
    folders = [Path(root or models_dir()), shipped_models_dir(root)]
    names = sorted({p.name for folder in folders if folder is not None and folder.is_dir() for p in folder.iterdir()
                    if p.is_dir() and not p.name.startswith(".")})
    found = []
    for name in names:
        try:
            found.append(Listed(name, open(name, root)))
        except MlplayError as e:
            found.append(Listed(name, None, e.message))
    return found


def amend_card(folder: Path, metrics: dict, drop: tuple[str, ...] = (), **sections) -> dict:
    """The card of the saved model in `folder`, with figures measured again on its files without retraining: its
    metrics updated with `metrics` (those named in `drop` removed: figures no longer measured), each of `sections`
    set; written atomically. Returns the card."""
    from mlplay.fileio import write_json

    card = json.loads((folder / CARD_FILE).read_text(encoding="utf-8"))
    card["metrics"] = {k: v for k, v in {**card.get("metrics", {}), **metrics}.items() if k not in drop}
    card.update(sections)
    write_json(folder / CARD_FILE, card)
    return card


def save(model, card: dict, root: Path | None = None, extra=None, litert: bool = True) -> Path:
    """Save into models/<card name>/ (see `save_to`)."""
    return save_to(model_path(card["name"], root), model, card, extra, litert)


def save_to(folder: Path, model, card: dict, extra=None, litert: bool = True, litert_file=None,
            keep_keras: bool = True, keep_litert: bool = True) -> Path:
    """Write model.keras, the LiteRT export, card.json and labels.txt into a temporary folder, check every file
    against the SHA-256 the card records, then swap the folder in: it is written whole or not at all.

    `extra(folder)`, when given, writes more files (e.g. numpy weights). `litert`: the model runs from its LiteRT
    export, so a failed export fails the save (otherwise it runs without one, from numpy weights or TensorFlow).
    `litert_file(model)`, when given, gives the LiteRT file's bytes instead of the float export (e.g. int8 weights);
    `keep_keras=False` leaves model.keras out (the model runs from its LiteRT file alone); `keep_litert=False` leaves
    the LiteRT file out too (`extra`'s files are then the model's only ones: a model run by its own numpy code).
    """
    from mlplay.console import working

    with writing(folder), atomic_dir(folder) as tmp, working(f"saving {card['name']}…"):
        files = {}
        if keep_keras:
            _without_optimizer(model).save(tmp / KERAS_FILE)
            files[KERAS_FILE] = True
        if keep_litert:
            if litert_file is not None:
                (tmp / LITERT_FILE).write_bytes(litert_file(model))
                exported = True
            else:
                exported = export_litert(model, tmp / LITERT_FILE)
            if (litert or not keep_keras) and not exported:
                raise MlplayError(f"cannot export {card['name']} to LiteRT: the converter failed",
                                  "nothing was replaced")
            files[LITERT_FILE] = exported
        card = dict(card, files=files)
        if extra is not None:
            extra(tmp)
            card["files"].update({p.name: True for p in tmp.iterdir() if p.name not in card["files"]})
        if card.get("labels"):
            (tmp / LABELS_FILE).write_text("\n".join(card["labels"]) + "\n", encoding="utf-8")
        card["sha256"] = {p.name: sha256_file(p) for p in sorted(tmp.iterdir()) if p.is_file()}
        (tmp / CARD_FILE).write_text(json.dumps(card, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        _verify(tmp, card["name"])
    return folder


def install(source: Path, name: str, root: Path | None = None) -> Path:
    """Copy a saved model folder (e.g. a run's) into models/<name>/, checked against its card, swapped in whole."""
    import shutil

    folder = model_path(name, root)
    with writing(folder), atomic_dir(folder) as tmp:
        for file in Path(source).iterdir():
            if file.is_file():
                shutil.copyfile(file, tmp / file.name)
        if (tmp / CARD_FILE).is_file():
            raw = json.loads((tmp / CARD_FILE).read_text(encoding="utf-8"))
            if raw.get("name") != name:  # a quick run goes in as NAME-quick: its card says so
                raw = {**raw, "name": name, "experiment": raw.get("experiment", raw.get("name"))}
                (tmp / CARD_FILE).write_text(json.dumps(raw, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        _verify(tmp, name)
    return folder


def _verify(folder: Path, name: str) -> None:
    """Every file the card lists is there with the SHA-256 it records (a full disk can truncate a file silently)."""
    card = cards.read(folder / CARD_FILE)
    bad = [f for f, digest in card.sha256.items() if not (folder / f).is_file() or sha256_file(folder / f) != digest]
    if bad:
        raise MlplayError(f"saving {name}: {', '.join(bad)} did not read back as written", "nothing was replaced")


@contextmanager
def writing(folder: Path):
    """Turn a failed write (disk full, read-only folder, no permission) into a one-line error naming the folder."""
    try:
        yield
    except OSError as e:
        raise MlplayError(f"cannot write {folder}: {e.strerror or e}", "free some space or choose another folder "
                          "(--models-dir or $MLPLAY_MODELS); nothing was replaced") from None


def check_writable(folder: Path) -> None:
    """Before hours of work: a one-line error now if `folder` (or where it would be made) cannot be written."""
    import tempfile

    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".mlplay-probe-"):
            pass
    except OSError as e:
        raise MlplayError(f"cannot write to {folder}: {e.strerror or e}",
                          "choose a folder you can write to (--models-dir, $MLPLAY_MODELS or $MLPLAY_RUNS)") from None


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

    from mlplay.console import quiet_stderr

    try:
        with contextlib.redirect_stdout(io.StringIO()), quiet_stderr():  # the converter's C++ errors, if any
            flatbuffer = tf.lite.TFLiteConverter.from_keras_model(model).convert()
        path.write_bytes(flatbuffer)
        return True
    except Exception:  # noqa: BLE001 - any converter failure means "no LiteRT file"
        path.unlink(missing_ok=True)
        return False
