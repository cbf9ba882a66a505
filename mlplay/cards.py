"""Model cards as people read them: the `mlplay models` table and the `mlplay eval` comparison (rich, no TF)."""

from pathlib import Path

from mlplay.errors import MlplayError

_TASKS = {"image-classification": "image class", "object-detection": "detection", "sequence-to-sequence": "seq2seq",
          "gesture-classification": "gesture", "hand-landmarks": "landmarks",
          "character-level text generation": "char text"}


def short_task(task: str) -> str:
    return _TASKS.get(task, task)


def headline(card: dict) -> str:
    """The card's headline held-out metric, as a person reads it (with the n-gram baseline for text)."""
    metrics = card.get("metrics", {})
    key = card.get("headline") or next(iter(metrics), "")
    value = metrics.get(key)
    if value is None:
        return "—"
    name = key.removeprefix("test_").replace("_", " ")
    if "accuracy" in key or "exact_match" in key or "recall" in key:
        return f"{value:.2%} {name}"
    if key.endswith("bits_per_char"):
        baseline = metrics.get("ngram_test_bits_per_char")
        return f"{value:.3f} bits/char" + (f", n-gram {baseline:.3f}" if baseline is not None else "")
    return f"{value:.4g} {name}"


def model_rows(models_dir: Path | None, untrained: bool) -> list[tuple[str, ...]]:
    """(name, task, held-out test, size, date) for each trained model, then (with `untrained`) the others."""
    from mlplay import store

    cards = store.list_cards(models_dir)
    rows = []
    for card in cards:
        size = store.folder_size(card["name"], models_dir) / 1e6
        bad = store.damaged(card["name"], models_dir, card)
        rows.append((card["name"], short_task(card.get("task", "")),
                     f"DAMAGED: {', '.join(bad)}" if bad else headline(card), f"{size:.1f} MB", card.get("date", "")[:10]))
    if untrained:
        from mlplay import experiments

        trained = {c["name"] for c in cards}
        for name, exp in sorted(experiments.all_experiments().items()):
            if name not in trained:
                rows.append((name, short_task(exp.task), "not trained", "", ""))
    return rows


def print_models(models_dir: Path | None, untrained: bool) -> None:
    from rich import box
    from rich.console import Console
    from rich.table import Table

    from mlplay.paths import models_dir as default_models

    rows = model_rows(models_dir, untrained)
    table = Table(title=f"models in {models_dir or default_models()}", box=box.SIMPLE_HEAD, show_edge=False,
                  pad_edge=False)
    columns = ("name", "task", "held-out test", "size", "date")
    widths = [max([len(column), *(len(r[i]) for r in rows)]) for i, column in enumerate(columns)]
    # the task column gives way (with an ellipsis) in a narrow terminal; the others keep their width
    console = Console()
    widths[1] = max(4, min(widths[1], console.width - 3 * (len(columns) - 1) - sum(widths) + widths[1]))
    for column, width in zip(columns, widths):
        table.add_column(column, no_wrap=True, overflow="ellipsis", min_width=width, max_width=width)
    for row in rows:
        table.add_row(*row)
    console.print(table)
    if any(row[2] == "not trained" for row in rows):
        print("train one with: mlplay train NAME")
    if any(row[2].startswith("DAMAGED") for row in rows):
        from mlplay import store

        for name in (row[0] for row in rows if row[2].startswith("DAMAGED")):
            card = store.load_card(name, models_dir, check=False)
            print(f"{name} is damaged (its files differ from the SHA-256 its card records): {store.rebuild_hint(card)}")


def tolerance(metric: str, value: float) -> float:
    """How far a re-scored metric may be from its card. Figures from sampled text (real-word rates) get 0.01:
    float32 products can round differently on another CPU, and one changed character changes the rest of a sample."""
    return 0.01 if metric.startswith("real_words") else 1e-4 * max(1.0, abs(value))


def print_eval(name: str, data: Path | None, models_dir: Path | None) -> None:
    """Re-score the held-out test set, print card vs now; an error when they differ."""
    from rich.console import Console
    from rich.table import Table

    card, fresh = rescore(name, data, models_dir)
    table = Table("metric", "card", "now", "match")
    all_match = True
    for key in card:
        same = key in fresh and abs(card[key] - fresh[key]) <= tolerance(key, card[key])
        all_match &= same
        table.add_row(key, f"{card[key]:.4f}", f"{fresh.get(key, float('nan')):.4f}", "yes" if same else "NO")
    Console().print(table)
    if not all_match:
        raise MlplayError(f"{name}: the test metrics differ from its card", f"retrain with: mlplay train {name}")


def rescore(name: str, data: Path | None = None, models_root: Path | None = None) -> tuple[dict, dict]:
    """Re-score the test set with the saved model; return (card metrics, fresh metrics)."""
    from mlplay import experiments, store
    from mlplay.train import held_out_inputs

    card = store.load_card(name, models_root)
    from mlplay.teach import models as taught

    if taught.is_taught(card):  # a model taught from examples: its head on its held-out examples again
        return taught.rescore(card, data, models_root)
    if card.get("task") == "character-level text generation":  # built-in or custom: the card says what to score
        from mlplay.text import text_models

        exp = text_models.for_card(card)
    else:
        exp = experiments.get(name)
    if exp.rescore is not None:  # e.g. a model shipped as its LiteRT file only
        return exp.rescore(card, data, models_root)
    if data is None and card.get("data", {}).get("reload"):
        data = Path(card["data"]["reload"])  # the data the card was made with (experiments that record it)
    from mlplay.runtime import tensorflow

    tensorflow()
    dataset = exp.load_data(data, bool(card.get("training", {}).get("quick")))
    model = store.load_keras(name, models_root)
    model.compile(loss=exp.loss, metrics=list(exp.metrics))
    fresh = model.evaluate(**held_out_inputs(dataset), verbose=0, return_dict=True)
    fresh = {f"test_{k}": round(float(v), 6) for k, v in fresh.items()}
    if exp.report:  # the experiment's own test figures (exact match, bits per char, …)
        fresh.update(exp.report(model, dataset).get("metrics", {}))
    return card["metrics"], fresh
