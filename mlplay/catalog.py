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


# How a figure reads in the table, by its metric's name; others are named after their key.
PHRASES = {"test_accuracy": "{:.2%} test accuracy", "test_accuracy_quickdraw": "{:.2%} on real drawings",
           "test_accuracy_all": "{:.2%} on all held-out photos", "test_exact_match": "{:.2%} exact answers",
           "published_accuracy": "{:.1%} ImageNet top-1 (published)", "published_map": "COCO mAP {:.1f} (published)",
           "frontal_faces_found": "{:.2%} frontal faces found"}


def headline(card) -> str:
    """The model's most telling held-out figure, as a person reads it, with its name (text: with the n-gram
    baseline). Its experiment says which figure that is; a card it cannot be found in keeps its own headline."""
    metrics = card.metrics
    declared = registry.experiments().get(card.raw.get("experiment") or card.name)
    key = declared.headline if declared and declared.headline in metrics else card.headline or next(iter(metrics), "")
    value = metrics.get(key)
    if value is None or isinstance(value, bool):
        return "—"
    name = key.removeprefix("test_").replace("_", " ")
    if key in PHRASES:
        return PHRASES[key].format(value * 100 if key == "published_map" else value)
    if key.startswith("test_bleu"):  # translation: BLEU beside the word-by-word baseline's
        baseline = metrics.get("baseline_test_bleu")
        return f"BLEU {value:.1f}" + (f", word by word {baseline:.1f}" if baseline is not None else "")
    if key.endswith("bits_per_char"):
        baseline = metrics.get("ngram_test_bits_per_char")
        return f"{value:.3f} bits/char" + (f", n-gram {baseline:.3f}" if baseline is not None else "")
    shares = ("accuracy", "exact_match", "recall", "map", "rate", "real_words")  # figures between 0 and 1
    if any(word in key for word in shares) and 0 <= value <= 1:
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


def unpromoted(models_dir: Path | None) -> list[tuple[str, str, str]]:
    """(name, figure, folder) of each model's newest run whose model did not go into models/ (it was worse, or the
    run trained a --quick copy), when that run is newer than the model in models/."""
    from mlplay.paths import display, runs_dir

    found = []
    base = runs_dir() / "train"
    for folder in sorted(base.iterdir()) if base.is_dir() else []:
        runs = sorted((p / "model" for p in folder.iterdir() if (p / "model" / store.CARD_FILE).is_file()),
                      key=lambda p: p.parent.name, reverse=True)
        newest = None
        for run in runs:  # the newest real (not --quick) run
            try:
                opened = store.open_folder(run)
            except Exception:  # noqa: BLE001 - a run's broken card is not worth an error here
                continue
            if not opened.card.quick:
                newest = opened
                break
        if newest is None:
            continue
        name = folder.name
        try:
            current = store.open(name, models_dir).card
        except Exception:  # noqa: BLE001
            current = None
        if current and current.sha256 == newest.card.sha256:
            continue
        if current is None or newest.card.date > current.date:
            found.append((name, headline(newest.card), display(newest.folder)))
    return found


def print_models(models_dir: Path | None, untrained: bool) -> None:
    from rich import box
    from rich.console import Console
    from rich.table import Table

    from mlplay.errors import MlplayError
    from mlplay.paths import models_dir as default_models, shipped_models_dir

    root, shipped = Path(models_dir or default_models()), shipped_models_dir(models_dir)
    if not root.is_dir() and shipped is None:
        raise MlplayError(f"no models folder {root}", "check --models-dir or $MLPLAY_MODELS")
    rows = model_rows(models_dir, untrained)
    where = f"models in {root}" + (f" and shipped in {shipped}" if shipped is not None else "")
    table = Table(title=where, box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
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
    for name, figure, where in unpromoted(models_dir) if untrained else []:
        print(f"not promoted: {name}'s newest run ({figure}) is in {where}, not in models/ "
              f"(mlplay train {name} --replace would ship such a run)")
    for name, _, figure, *_ in rows:
        if figure.startswith("DAMAGED"):
            print(f"{name} is damaged (its files differ from the SHA-256 its card records): "
                  f"rebuild it with: {store.open(name, models_dir).card.rebuild}")
