"""Where a trained model goes: always into its run folder, and into models/ only when it is not worse.

Every run saves its model (with its card) under `runs/train/NAME/STAMP/model/`, whatever happens. `models/NAME` is
replaced only when the new model's headline held-out figure is at least the current one's (or with `--replace`); a
`--quick` run is a smoke test and goes to `models/NAME-quick` instead. The last line says where the model went and why.
"""

from dataclasses import dataclass
from pathlib import Path

from mlplay import store
from mlplay.card import Card
from mlplay.errors import MlplayError
from mlplay.paths import display, portable

QUICK_SUFFIX = "-quick"
LOWER_IS_BETTER = ("loss", "bits_per_char", "nats_per_char", "distance", "error")


def lower_is_better(metric: str) -> bool:
    return metric.endswith(LOWER_IS_BETTER)


def figure(card: Card) -> tuple[str, float] | None:
    """The card's headline metric and its value (None when it has none)."""
    key = card.headline or next(iter(card.metrics), None)
    value = card.metrics.get(key) if key else None
    return (key, float(value)) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def shown(card: Card) -> str:
    found = figure(card)
    if found is None:
        return "no headline figure"
    key, value = found
    name = key.removeprefix("test_").replace("_", " ")
    return f"{value:.2%} {name}" if 0 <= value <= 1 and not lower_is_better(key) else f"{value:.4g} {name}"


@dataclass(frozen=True)
class Decision:
    target: str  # the name in models/ it goes to, or None when it stays in its run folder
    promote: bool
    why: str


def decide(new: Card, name: str, quick: bool, replace: bool, root: Path | None = None) -> Decision:
    """Whether the run's model replaces models/NAME (or NAME-quick for a quick run), and why."""
    if quick:
        return Decision(name + QUICK_SUFFIX, True, "a --quick smoke test never replaces the real model")
    folder = store.find(name, root)  # an installed mlplay: the shipped one, unless the user's folder has one
    if not folder.exists():
        return Decision(name, True, "there was none")
    try:
        current = store.open(name, root)
    except MlplayError as e:
        return Decision(name, True, f"the current one is unusable ({e.message})")
    if replace:
        return Decision(name, True, f"--replace (the current one: {shown(current.card)})")
    if current.card.quick:
        return Decision(name, True, "the current one is a --quick smoke test")
    old, fresh = figure(current.card), figure(new)
    if old is None or fresh is None or old[0] != fresh[0]:
        return Decision(name, True, "the current one has no comparable headline figure")
    better = fresh[1] <= old[1] if lower_is_better(fresh[0]) else fresh[1] >= old[1]
    if better:
        return Decision(name, True, f"it is at least as good as the current one ({shown(current.card)})")
    return Decision(name, False, f"kept {display(folder)} ({shown(current.card)})")


def place(run_model: Path, new: Card, name: str, quick: bool, replace: bool, root: Path | None = None) -> str:
    """Install the run's model where `decide` says; return the last line the trainer prints."""
    decision = decide(new, name, quick, replace, root)
    here = portable(run_model)
    if not decision.promote:
        return (f"{decision.why}; this run's model ({shown(new)}) is in {here} "
                f"(mlplay train {name} --replace ships a worse one)")
    target = store.install(run_model, decision.target, root)
    return f"saved {display(target)} ({shown(new)}): {decision.why}; the run's copy is in {here}"
