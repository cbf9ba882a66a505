"""`mlplay eval`: re-score a model's held-out test set and compare with its card (TensorFlow)."""

from pathlib import Path

from mlplay.errors import MlplayError


def tolerance(metric: str, value: float) -> float:
    """How far a re-scored metric may be from its card. Figures from sampled text (real-word rates) get 0.01:
    float32 products can round differently on another CPU, and one changed character changes the rest of a sample."""
    return 0.01 if metric.startswith("real_words") else 1e-4 * max(1.0, abs(value))


def print_eval(name: str, data: Path | None, models_dir: Path | None) -> None:
    """Re-score the held-out test set, print card vs now; an error when they differ."""
    from rich.console import Console
    from rich.table import Table

    from mlplay.console import working

    with working(f"re-scoring {name} on its held-out test set (loading TensorFlow, the data and the model)…"):
        card, fresh = rescore(name, data, models_dir)
    table = Table("metric", "card", "now", "match")
    all_match, unmeasured = True, []
    for key in card:
        if key not in fresh:  # its data is not on this machine (a real-input set not fetched): said, not failed
            unmeasured.append(key)
            table.add_row(key, f"{card[key]:.4f}", "", "not measured")
            continue
        same = abs(card[key] - fresh[key]) <= tolerance(key, card[key])
        all_match &= same
        table.add_row(key, f"{card[key]:.4f}", f"{fresh[key]:.4f}", "yes" if same else "NO")
    Console().print(table)
    if unmeasured:
        Console().print(f"{len(unmeasured)} of the card's figures not measured: their data is not here "
                        "(`mlplay data` lists what can be fetched; the model's doc page says which set each needs)")
    if not all_match:
        raise MlplayError(f"{name}: the test metrics differ from its card", f"retrain with: mlplay train {name}")


def rescore(name: str, data: Path | None = None, models_root: Path | None = None) -> tuple[dict, dict]:
    """Re-score the held-out test set with the saved model; return (card metrics, fresh metrics). The experiment
    re-scores in its own way when it has one (a text model on the text its card names), else `keras_rescore`."""
    from mlplay import registry, store

    declared = registry.experiments().get(name)
    model = store.open(declared.folder if declared and declared.folder else name, models_root)
    exp = declared if declared and declared.folder else registry.for_card(model.card.raw)
    fresh = exp.rescore(model, data) if exp.rescore else keras_rescore(exp, model, data)
    return model.card.metrics, fresh


def keras_rescore(exp, model, data: Path | None, keras_model=None) -> dict:
    """The Keras model (its model.keras, unless the experiment gives one it rebuilt) on its experiment's test split:
    the loss and metrics it was compiled with, and the figures its report adds (exact match, bits per character, …)."""
    from mlplay.training.loop import held_out_inputs

    card = model.card.raw
    if data is None and card.get("data", {}).get("reload"):
        data = Path(card["data"]["reload"])  # the data the card was made with (experiments that record it)
    keras_model = keras_model or model.keras()
    dataset = (exp.load_test or exp.load_data)(data, model.card.quick)
    keras_model.compile(loss=exp.loss, metrics=list(exp.metrics))
    fresh = keras_model.evaluate(**held_out_inputs(dataset), verbose=0, return_dict=True)
    fresh = {f"test_{k}": round(float(v), 6) for k, v in fresh.items()}
    if exp.calibrate:
        from mlplay.training.calibrate import ece, predict
        from mlplay.training.loop import held_out_pairs

        inputs, labels = held_out_pairs(dataset)
        fresh["test_ece"] = ece(predict(keras_model, inputs), labels)
    if exp.report:  # the experiment's own test figures (exact match, bits per char, …)
        from mlplay.training.loop import report

        fresh.update(report(exp, keras_model, dataset, card).get("metrics", {}))
    return fresh
