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


class CardError(MlplayError):
    """A card that cannot be used: not JSON, or a field of the wrong shape."""


def _text(value) -> bool:
    return isinstance(value, str)


def _texts(value) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not (isinstance(value, float) and math.isnan(value))


def _metrics(value) -> bool:
    return isinstance(value, dict) and all(isinstance(k, str) and (_number(v) or isinstance(v, bool))
                                           for k, v in value.items())


def _hashes(value) -> bool:
    return isinstance(value, dict) and all(isinstance(k, str) and isinstance(v, str) and len(v) == 64
                                           for k, v in value.items())


def _object(value) -> bool:
    return isinstance(value, dict)


# field: (check, what it must be, required)
SCHEMA = {
    "name": (_text, "a text", True),
    "task": (_text, "a text", True),
    "family": (_text, "a text", False),
    "summary": (_text, "a text", False),
    "labels": (_texts, "a list of texts", False),
    "headline": (_text, "a metric's name", False),
    "metrics": (_metrics, "an object of numbers", False),
    "sha256": (_hashes, "an object of SHA-256 digests", False),
    "command": (_text, "a text", False),
    "date": (_text, "a text", False),
    "input": (_object, "an object", False),
    "data": (_object, "an object", False),
    "training": (_object, "an object", False),
}


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
    for key, (check, what, required) in SCHEMA.items():
        if key not in raw or raw[key] is None:
            if required:
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
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CardError(f"{path} is missing") from None
    except OSError as e:
        raise CardError(f"cannot read {path}: {e.strerror}") from None
    except UnicodeDecodeError:
        raise CardError(f"{path} is not UTF-8 text") from None
    try:
        raw = json.loads(text)
    except ValueError as e:
        raise CardError(f"{path} is not valid JSON ({e})") from None
    return parse(raw, str(path))
