"""`mlplay models`: every model folder with its most telling held-out figure, size and date (rich, no TensorFlow).

A folder whose card cannot be used is listed as BROKEN with the reason; one whose files differ from the SHA-256 its
card records as DAMAGED; a `--quick` smoke-test model is marked as such.
"""

from pathlib import Path

from mlplay import registry, store

_TASKS = {"image-classification": "image class", "object-detection": "detection", "sequence-to-sequence": "seq2seq",
          "gesture-classification": "gesture", "hand-landmarks": "landmarks",
          "character-level text generation": "char text", "translation": "translation"}


def short_task(task: str) -> str:
    return _TASKS.get(task, task)


def headline(card) -> str:
    """The card's headline held-out metric, as a person reads it, with its name (with the n-gram baseline for text)."""
    metrics = card.metrics
    key = card.headline or next(iter(metrics), "")
    value = metrics.get(key)
    if value is None or isinstance(value, bool):
        return "—"
    name = key.removeprefix("test_").replace("_", " ")
    if key.startswith("test_bleu"):  # translation: BLEU beside the word-by-word baseline's
        baseline = metrics.get("baseline_test_bleu")
        return f"BLEU {value:.1f}" + (f", word by word {baseline:.1f}" if baseline is not None else "")
    if key.endswith("bits_per_char"):
        baseline = metrics.get("ngram_test_bits_per_char")
        return f"{value:.3f} bits/char" + (f", n-gram {baseline:.3f}" if baseline is not None else "")
    if any(word in key for word in ("accuracy", "exact_match", "recall", "map", "rate")) and 0 <= value <= 1:
        return f"{value:.2%} {name}"
    return f"{value:.4g} {name}"


def model_rows(models_dir: Path | None, untrained: bool) -> list[tuple[str, ...]]:
    """(name, task, held-out figure, size, date) for each model folder, then (with `untrained`) the others."""
    rows, listed = [], store.listing(models_dir)
    for entry in listed:
        if entry.model is None:
            rows.append((entry.name, "?", f"BROKEN: {entry.problem}", "", ""))
            continue
        model, card = entry.model, entry.card
        bad = model.damaged()
        figure = f"DAMAGED: {', '.join(bad)}" if bad else headline(card)
        if card.quick and not bad:
            figure += " (QUICK: a smoke test)"
        rows.append((entry.name, short_task(card.task), figure, f"{model.size / 1e6:.1f} MB", card.date[:10]))
    if untrained:
        present = {entry.name for entry in listed}
        for name, exp in sorted(registry.experiments().items()):
            if name not in present:
                rows.append((name, short_task(exp.task), "not trained" if exp.trainable else "not fetched", "", ""))
    return rows


def print_models(models_dir: Path | None, untrained: bool) -> None:
    from rich import box
    from rich.console import Console
    from rich.table import Table

    from mlplay.errors import MlplayError
    from mlplay.paths import models_dir as default_models

    root = Path(models_dir or default_models())
    if not root.is_dir():
        raise MlplayError(f"no models folder {root}", "check --models-dir or $MLPLAY_MODELS")
    rows = model_rows(models_dir, untrained)
    table = Table(title=f"models in {root}", box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    columns = ("name", "task", "held-out figure", "size", "date")
    widths = [max([len(column), *(len(r[i]) for r in rows)]) for i, column in enumerate(columns)]
    # the task column gives way (with an ellipsis) in a narrow terminal; the others keep their width
    console = Console()
    widths[1] = max(4, min(widths[1], console.width - 3 * (len(columns) - 1) - sum(widths) + widths[1]))
    for column, width in zip(columns, widths):
        table.add_column(column, no_wrap=True, overflow="ellipsis", min_width=width, max_width=width)
    for row in rows:
        table.add_row(*row)
    console.print(table)
    if not rows:
        print(f"no models in {root}")
    if any(row[2] in ("not trained", "not fetched") for row in rows):
        print("train one with: mlplay train NAME (a pretrained one: mlplay data fetch NAME)")
    for name, _, figure, *_ in rows:
        if figure.startswith("DAMAGED"):
            print(f"{name} is damaged (its files differ from the SHA-256 its card records): "
                  f"rebuild it with: {store.open(name, models_dir).card.rebuild}")
