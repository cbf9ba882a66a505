"""`mlplay eval`'s comparison of a card with figures measured again (the re-scoring itself is each family's)."""

import pytest

from mlplay.errors import MlplayError
from mlplay.training import evaluate


def compare(monkeypatch, capsys, card: dict, fresh: dict) -> str:
    monkeypatch.setattr(evaluate, "rescore", lambda name, data, models_dir: (card, fresh))
    evaluate.print_eval("m", None, None)
    return capsys.readouterr().out


def test_a_figure_whose_data_is_not_here_is_said_not_measured_and_the_rest_must_match(monkeypatch, capsys):
    out = compare(monkeypatch, capsys, {"test_accuracy": 0.99, "usps_accuracy": 0.98}, {"test_accuracy": 0.99})
    assert "not measured" in out and "1 of the card's figures not measured" in out and "NO" not in out
    with pytest.raises(MlplayError, match="differ from its card"):
        compare(monkeypatch, capsys, {"test_accuracy": 0.99, "usps_accuracy": 0.98}, {"test_accuracy": 0.95})
