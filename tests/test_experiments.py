"""The Experiment contract and the lazy registry."""

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import pytest

from mlplay import experiments
from mlplay.errors import MlplayError


def test_getting_a_model_imports_only_the_family_that_owns_it():
    code = ("import json, sys; from mlplay import experiments; experiments.get('digits-cnn'); "
            "print(json.dumps(sorted(sys.modules)))")
    loaded = json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
    assert "mlplay.digits.digit_models" in loaded
    others = [m for m in loaded if m.startswith(("mlplay.text", "mlplay.sketches", "mlplay.rps", "mlplay.summation"))]
    assert others == []
    assert "tensorflow" not in loaded and "keras" not in loaded


def test_every_experiment_is_found_by_its_name_and_unknown_names_are_refused():
    everything = experiments.all_experiments()
    assert len(everything) >= 8
    for name, exp in everything.items():
        assert experiments.get(name) is exp
    with pytest.raises(MlplayError, match="unknown model 'digits-rnn'"):
        experiments.get("digits-rnn")
    with pytest.raises(MlplayError, match="unknown model"):
        experiments.get("nothing")


def test_experiments_cannot_be_changed_after_construction():
    exp = experiments.get("digits-mlp")
    with pytest.raises(dataclasses.FrozenInstanceError):
        exp.epochs = 1


def test_train_option_rules():
    assert experiments.for_training("sum", digits=3)[0].name == "sum-3"
    with pytest.raises(MlplayError, match="--digits is for mlplay train sum"):
        experiments.for_training("digits-cnn", digits=3)
    with pytest.raises(MlplayError, match="generated data"):
        experiments.for_training("sum", data=Path("x"))
    with pytest.raises(MlplayError, match="--mix is for the sketch models and rps-hands"):
        experiments.for_training("digits-cnn", mix=Path("mine"))
    exp, data = experiments.for_training("sketch-cnn", mix=Path("mine"))
    assert str(data).endswith(",mine") and exp.default_data is not None
    with pytest.raises(MlplayError, match="is the name of a built-in model"):
        experiments.for_training("text", data=Path("book.txt"), text_name="shakespeare")
