"""The experiment packages mlplay knows: one line each. Adding an experiment = one package + one line here.

A package `mlplay/<name>/` declares its `FAMILY` in `models.py` (see mlplay/experiment.py) and may add commands in
`commands.py` (a `register(cli)` function). Families are imported only when a command needs them, so `mlplay --help`
stays fast; the commands modules import nothing heavy.
"""

import importlib
import importlib.util
from collections.abc import Callable
from dataclasses import replace
from functools import cache
from pathlib import Path

from mlplay.errors import MlplayError, closest
from mlplay.experiment import DataSet, Experiment, Family, TrainRequest
from mlplay.paths import check_model_name

PACKAGES = (
    "digits",
    "sketches",
    "summation",
    "text",
    "rps",
    "vision",
    "style",
    "faces",
    "teach",
    "dream",
    "translate",
)


@cache
def families() -> tuple[Family, ...]:
    return tuple(importlib.import_module(f"mlplay.{package}.models").FAMILY for package in PACKAGES)


def family(name: str) -> Family:
    return next(f for f in families() if f.name == name)


def experiments() -> dict[str, Experiment]:
    """Every model mlplay declares, by name."""
    return {e.name: e for f in families() for e in f.experiments}


def experiment(name: str) -> Experiment:
    """The declared model `name`, or a one-line error with the closest name."""
    found = experiments().get(name)
    if found is None:
        guess = closest(name, [*experiments(), *aliases()])
        raise MlplayError(f"unknown model '{name}'", f"did you mean {guess}?" if guess else "see: mlplay models --all")
    return found


def lent(name: str) -> Callable | None:
    """What a family lends other packages under `name` (Family.lends), or None when no family does."""
    return next((f.lends[name] for f in families() if name in f.lends), None)


def aliases() -> dict[str, Family]:
    return {alias: f for f in families() for alias in f.aliases}


def for_card(card: dict) -> Experiment:
    """The experiment a saved model belongs to: its own name when declared, else its family's reading of the card
    (a model saved under a name of its own, e.g. a text model called `book`)."""
    name = card["name"]
    declared = experiments().get(name)
    if declared is not None:
        return declared
    owner = next((f for f in families() if f.name == card.get("family")), None)
    if owner is None:
        raise MlplayError(f"model '{name}' belongs to no experiment mlplay knows (family {card.get('family')!r})")
    trained_as = experiments().get(card.get("experiment", ""))
    if trained_as is not None and trained_as.family == owner.name:  # e.g. digits-cnn saved as my-cnn
        return replace(trained_as, name=name)
    if owner.for_card is None:
        raise MlplayError(f"model '{name}': its card does not say which {owner.name} model it is")
    return replace(owner.for_card(card), family=owner.name)


def for_training(request: TrainRequest) -> tuple[Experiment, Path | None]:
    """The experiment and data `mlplay train` means: a declared model, or a family's alias (sum, text, …), with the
    family's own options applied."""
    name = request.name
    owner = aliases().get(name)
    if owner is not None:
        exp = replace(owner.aliases[name](request), family=owner.name)  # its card names the family (eval finds it)
    else:
        exp = experiment(name)
        owner = family(exp.family)
        if not exp.trainable:
            raise MlplayError(f"{name} is a pretrained model: it is not trained here",
                              f"get it with: {exp.fetch}" if exp.fetch else None)
    _check_options(owner, request)
    if request.save_as is not None and name not in owner.aliases:
        check_model_name(request.save_as)
        if request.save_as != name and (request.save_as in experiments() or request.save_as in aliases()):
            raise MlplayError(f"{request.save_as} is the name of a built-in model", "choose another --name")
    data = request.data
    if owner.resolve is not None:
        exp, data = owner.resolve(exp, request)
        exp = replace(exp, family=owner.name)
    if data is not None and exp.generated:
        raise MlplayError(f"{exp.name} trains on generated data: --data does not apply")
    return exp, data


def _check_options(owner: Family, request: TrainRequest) -> None:
    known = {o.key for o in owner.options}
    extra = sorted(set(request.options) - known)
    if extra:
        flags = ", ".join("--" + k.replace("_", "-") for k in extra)
        mine = ", ".join(o.flag for o in owner.options)
        raise MlplayError(f"{flags} is not an option of mlplay train {request.name}",
                          f"its own options: {mine}" if mine else "see: mlplay train --help")


def train_options() -> dict[str, list]:
    """Every family's extra train options, by flag: [(option, family), …] (one flag may serve several families)."""
    found: dict[str, list] = {}
    for f in families():
        for option in f.options:
            found.setdefault(option.flag, []).append((option, f))
    return found


def datasets() -> dict[str, DataSet]:
    return {d.name: d for f in families() for d in f.datasets}


def dataset(name: str) -> DataSet:
    found = datasets()
    if name not in found:
        guess = closest(name, found)
        raise MlplayError(f"unknown data set '{name}'", f"did you mean {guess}?" if guess else
                          "choose one of: " + ", ".join(found))
    return found[name]


def register_commands(cli) -> None:
    """Let each package add its commands (`commands.register(cli)`), in the order of PACKAGES."""
    for package in PACKAGES:
        try:
            module = importlib.import_module(f"mlplay.{package}.commands")
        except ModuleNotFoundError as e:
            if e.name != f"mlplay.{package}.commands":
                raise
            continue
        module.register(cli)


def bench_modules() -> list[str]:
    """The packages' benchmark modules (`bench.py`, each with a `main()`), for `make bench`."""
    return [f"mlplay.{p}.bench" for p in PACKAGES if importlib.util.find_spec(f"mlplay.{p}.bench") is not None]
