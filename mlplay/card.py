"""A model card (`models/<name>/card.json`) as a typed structure, checked when it is read.

Every card, whatever made it (training, an install script, `camera teach`), shares the fields below; anything else
an experiment records (a vocabulary, per-class figures, real-input figures) stays in `raw`. `parse` refuses a card
of the wrong shape with a one-line error naming the field, so no command ever fails on it with a traceback.
"""

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

from mlplay.errors import MlplayError
from mlplay.fileio import read_text


class CardError(MlplayError):
    """A card that cannot be used: not JSON, or a field of the wrong shape."""


def _text(value) -> bool:
    return isinstance(value, str)


def _texts(value) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not (isinstance(value, float) and math.isnan(value))


def _mapping(check):
    """An object whose keys are texts and whose values pass `check`."""
    return lambda value: isinstance(value, dict) and all(isinstance(k, str) and check(v) for k, v in value.items())


_metrics = _mapping(lambda v: _number(v) or isinstance(v, bool))
_hashes = _mapping(lambda v: isinstance(v, str) and len(v) == 64)


def _object(value) -> bool:
    return isinstance(value, dict)


# field: (check, what it must be); name and task are required, the others optional
TEXT, OBJECT = (_text, "a text"), (_object, "an object")
SCHEMA = {"name": TEXT, "task": TEXT, "family": TEXT, "summary": TEXT, "command": TEXT, "date": TEXT,
          "labels": (_texts, "a list of texts"), "headline": (_text, "a metric's name"),
          "metrics": (_metrics, "an object of numbers"), "sha256": (_hashes, "an object of SHA-256 digests"),
          "input": OBJECT, "data": OBJECT, "training": OBJECT}
REQUIRED = ("name", "task")


@dataclass(frozen=True)
class Card:
    name: str
    task: str
    raw: dict  # the whole card as saved
    family: str = ""
    summary: str = ""
    labels: tuple[str, ...] = ()
    headline: str | None = None
    metrics: dict = field(default_factory=dict)
    sha256: dict = field(default_factory=dict)
    command: str = ""
    date: str = ""

    @property
    def quick(self) -> bool:
        """A `--quick` smoke-test model, not a real one."""
        return bool(self.raw.get("training", {}).get("quick"))

    @property
    def rebuild(self) -> str:
        """How to get a good copy of this model: fetch it again (a pretrained one), else the command that made it."""
        return self.raw.get("fetch") or self.command or f"mlplay train {self.name}"


def parse(raw, where: str) -> Card:
    """`raw` (decoded JSON) as a Card, or a CardError naming `where` and the first field that is wrong."""
    if not isinstance(raw, dict):
        raise CardError(f"{where} is not a model card: it holds a JSON {type(raw).__name__}, not an object")
    for key, (check, what) in SCHEMA.items():
        if key not in raw or raw[key] is None:
            if key in REQUIRED:
                raise CardError(f"{where} has no '{key}'")
            continue
        if not check(raw[key]):
            raise CardError(f"{where}: '{key}' must be {what}, not {json.dumps(raw[key])[:40]}")
    return Card(name=raw["name"], task=raw["task"], raw=raw, family=raw.get("family") or "",
                summary=raw.get("summary") or "", labels=tuple(raw.get("labels") or ()), headline=raw.get("headline"),
                metrics=dict(raw.get("metrics") or {}), sha256=dict(raw.get("sha256") or {}),
                command=raw.get("command") or "", date=raw.get("date") or "")


def read(path: Path) -> Card:
    """The card at `path`, checked; a CardError when it is missing, unreadable, not JSON or of the wrong shape."""
    text = read_text(path, CardError)
    try:
        raw = json.loads(text)
    except ValueError as e:
        raise CardError(f"{path} is not valid JSON ({e})") from None
    return parse(raw, str(path))
