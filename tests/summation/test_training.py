"""`mlplay train sum` through the shared loop (quick configs): its card, and the model it saves answering
`mlplay sum`."""

import json

from mlplay.summation.models import load_data


def test_train_sum_quick_then_pipe_questions(tmp_path, mlplay):
    models = tmp_path / "models"
    result = mlplay("train", "sum", "--digits", 3, "--quick", "--models-dir", models, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    card = json.loads((models / "sum-3-quick" / "card.json").read_text())
    # a whole answer needs every digit
    assert card["metrics"]["test_exact_match"] <= card["metrics"]["test_char_accuracy"]
    assert card["data"]["splits"]["test"] == 200 and card["data"]["digits"] == 3
    out = mlplay("sum", "--model", "sum-3-quick", "--models-dir", models, "--jsonl", stdin="417+385\n")
    record = json.loads(out.stdout)
    assert record["true_sum"] == 802 and len(record["digits"]) == 4


def test_the_card_scores_typed_questions_through_the_repl_path_as_the_model_scores_them(tmp_path, mlplay):
    """Quick-trained sum-2: the typed figure (parser + numpy model) matches Keras' exact match on the same questions."""
    result = mlplay("train", "sum", "--digits", "2", "--quick", "--models-dir", tmp_path, timeout=600)
    assert result.returncode == 0, result.stderr
    card = json.loads((tmp_path / "sum-2-quick" / "card.json").read_text())
    metrics, n = card["metrics"], card["typed"]["questions"]
    assert n == len(load_data(2, quick=True).x_test)
    assert abs(metrics["typed_exact_match"] - metrics["test_exact_match"]) <= 1 / n
