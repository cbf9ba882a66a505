"""Registry of trainable experiments: model name → Experiment (imported lazily, no TensorFlow)."""

from mlplay.errors import MlplayError
from mlplay.experiments.base import Experiment


def _digits():
    from mlplay.experiments import digits

    return digits.EXPERIMENTS


def _sketches():
    from mlplay.experiments import sketches

    return sketches.EXPERIMENTS


def _summation():
    from mlplay.experiments import summation

    return summation.EXPERIMENTS


def _text():
    from mlplay.experiments import text

    return text.EXPERIMENTS


def _rps():
    from mlplay.experiments import rps

    return rps.EXPERIMENTS


_FAMILIES = [_digits, _sketches, _summation, _text, _rps]


def all_experiments() -> dict[str, Experiment]:
    found = {}
    for family in _FAMILIES:
        found.update({e.name: e for e in family()})
    return found


def get(name: str) -> Experiment:
    experiments = all_experiments()
    if name not in experiments:
        raise MlplayError(f"unknown model '{name}'", "choose one of: " + ", ".join(sorted(experiments)))
    return experiments[name]
