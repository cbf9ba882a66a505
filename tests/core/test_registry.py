"""The Experiment contract and the lazy registry: the core reaches experiments only through it."""

import dataclasses
import json
from pathlib import Path

import pytest

from mlplay import registry
from mlplay.errors import MlplayError
from mlplay.experiment import TrainRequest


def test_the_cli_starts_without_any_experiment_family_or_tensorflow(mlplay):
    code = "import json, sys; import mlplay.cli; print(json.dumps(sorted(sys.modules)))"
    loaded = json.loads(mlplay.python("-c", code).stdout)
    assert not [m for m in loaded if m.endswith(".models") and m.startswith("mlplay.")]
    assert "tensorflow" not in loaded and "keras" not in loaded and "numpy" not in loaded


def test_every_experiment_is_found_by_its_name_and_unknown_names_are_refused():
    everything = registry.experiments()
    assert len(everything) >= 8
    for name, exp in everything.items():
        assert registry.experiment(name) is exp and exp.family in registry.PACKAGES
    with pytest.raises(MlplayError, match="unknown model 'digits-rnn'"):
        registry.experiment("digits-rnn")
    with pytest.raises(MlplayError, match="unknown model"):
        registry.experiment("nothing")


def test_resolving_names_options_and_cards_never_changes_the_declared_experiments():
    before = {name: dataclasses.replace(exp) for name, exp in registry.experiments().items()}  # copies
    copy = registry.for_card({"name": "my-cnn", "family": "digits", "experiment": "digits-cnn"})
    assert copy.name == "my-cnn" and copy.build is before["digits-cnn"].build
    assert registry.for_training(TrainRequest("sum", options={"digits": "3"}))[0].name == "sum-3"
    registry.for_training(TrainRequest("sketch-cnn", options={"mix": "mine"}))
    registry.for_card({"name": "book", "family": "text", "vocabulary": list("ab ")})
    assert registry.experiments() == before


def test_families_resolve_their_own_names_and_options():
    assert registry.for_training(TrainRequest("sum", options={"digits": "3"}))[0].name == "sum-3"
    with pytest.raises(MlplayError, match="--digits is not an option of mlplay train digits-cnn"):
        registry.for_training(TrainRequest("digits-cnn", options={"digits": "3"}))
    with pytest.raises(MlplayError, match="generated data"):
        registry.for_training(TrainRequest("sum", data=Path("x")))
    with pytest.raises(MlplayError, match="--mix is not an option of mlplay train digits-cnn"):
        registry.for_training(TrainRequest("digits-cnn", options={"mix": "mine"}))
    exp, data = registry.for_training(TrainRequest("sketch-cnn", options={"mix": "mine"}))
    assert exp.name == "sketch-cnn" and str(data).endswith(",mine")
    with pytest.raises(MlplayError, match="is the name of a built-in model"):
        registry.for_training(TrainRequest("text", data=Path("book.txt"), save_as="shakespeare"))
    with pytest.raises(MlplayError, match="pretrained model"):
        registry.for_training(TrainRequest("coco-ssd-quant"))


def test_a_model_saved_under_its_own_name_is_found_through_its_card_family():
    exp = registry.for_card({"name": "book", "family": "text", "vocabulary": list("ab ")})
    assert exp.name == "book" and exp.family == "text" and exp.rescore is not None
    with pytest.raises(MlplayError, match="belongs to no experiment"):
        registry.for_card({"name": "odd", "family": "nothing"})


@pytest.mark.parametrize("args, message", [
    (["text", "--name", "shakespeare", "--data", "book.txt"], "shakespeare is the name of a built-in model"),
    (["text", "--name", "sum-2", "--data", "book.txt"], "sum-2 is the name of a built-in model"),
    (["sum", "--data", "book.txt"], "sum-2 trains on generated data: --data does not apply"),
    (["sum-2", "--digits", "3"], "--digits is for mlplay train sum, not sum-2"),
    (["digits-mlp", "--name", "digits-cnn"], "digits-cnn is the name of a built-in model"),
    (["digits-mlp", "--name", "../up"], "bad model name '../up'"),
])
def test_train_refuses_options_that_do_not_apply_and_built_in_names(tmp_path, args, message, mlplay):
    (tmp_path / "book.txt").write_text("To be, or not to be. " * 150)
    result = mlplay("train", *args, "--models-dir", tmp_path / "models", cwd=tmp_path)
    assert result.returncode == 1 and result.stderr.startswith(f"Error: {message}"), result.stderr
    assert not (tmp_path / "models").exists()
