"""The sketch models' data: sources named by `--data`, mixed, labels merged by name, streamed (sketch_stream).

Sources (comma-separated; a QuickDraw source may name its classes in brackets):
  doodles                 generated doodles (16 QuickDraw classes)
  quickdraw               the fetched QuickDraw classes under datasets/quickdraw (`mlplay data fetch quickdraw`)
  quickdraw[apple,cat]    only these classes, fetched first if missing; quickdraw[all] every fetched one
  DIR, DIR[apple,cat]     a folder of QuickDraw-format <class>.npy files (e.g. a copy of some official files)
  DIR                     a folder of labelled drawings (<label>/<drawing>.png, e.g. `draw sketches --record`)
e.g. `doodles,quickdraw[apple,fish]`: the doodles and two real classes; a class both have (diamond) is one label.
The default (DEFAULT_SPEC, what the shipped models learned) is the doodles and six real classes; --quick alone
stays on the doodles, so a smoke test needs no download.
`mlplay train … --classes apple,fish` puts the brackets on every QuickDraw source that has none.
"""

import re
from pathlib import Path

import numpy as np

from mlplay.errors import MlplayError
from mlplay.experiment import Dataset
from mlplay.paths import portable
from mlplay.sketches import doodles
from mlplay.sketches.stream import DrawingStream, array_part, npy_part

QUICK_TRAIN, QUICK_TEST = 60, 15  # doodles a class with --quick
QUICK_QUICKDRAW = 300  # QuickDraw drawings a class with --quick
REAL_CLASSES = ["apple", "bicycle", "cat", "diamond", "eye", "fish"]  # the real classes the shipped models know
REAL_PER_CLASS = 2000  # drawings fetched of each when missing: the first 2,000 of the official file
DEFAULT_SPEC = f"doodles,quickdraw[{','.join(REAL_CLASSES)}]"
VALIDATION_RULE = ("every 10th training drawing of each class and source; the test drawings (every 7th of a "
                   "QuickDraw file, the doodles' own test stream, every 5th recorded drawing) are held out")
_ITEM = re.compile(r"\s*([^,\[\]]+?)\s*(?:\[([^\]]*)\])?\s*(?:,|$)")


def parse_spec(spec: str) -> list[tuple[str, list[str] | None]]:
    """'doodles,quickdraw[apple,cat]' → [('doodles', None), ('quickdraw', ['apple', 'cat'])]."""
    items, at = [], 0
    while at < len(spec):
        match = _ITEM.match(spec, at)
        if not match or match.end() == at:
            raise MlplayError(f"cannot read the data '{spec}'", "e.g. --data doodles,quickdraw[apple,cat]")
        name, classes = match.group(1), match.group(2)
        items.append((name, [c.strip() for c in classes.split(",") if c.strip()] if classes is not None else None))
        at = match.end()
    return items


def with_classes(spec: str, classes: str) -> str:
    """Put `[classes]` on every QuickDraw source of `spec` that names none (mlplay train --classes)."""
    items = parse_spec(spec)
    if not any(_is_quickdraw(name) for name, _ in items):
        raise MlplayError(f"--classes picks QuickDraw classes, and '{spec}' has no QuickDraw source",
                          "e.g. --data quickdraw --classes apple,fish")
    return ",".join(f"{name}[{classes}]" if _is_quickdraw(name) and chosen is None else _unparse(name, chosen)
                    for name, chosen in items)


def _unparse(name: str, classes: list[str] | None) -> str:
    return name if classes is None else f"{name}[{','.join(classes)}]"


def _is_quickdraw(name: str) -> bool:
    return name == "quickdraw" or (Path(name).is_dir() and any(Path(name).glob("*.npy")))


def default_spec() -> str:
    return DEFAULT_SPEC


# Sources: each gives [(label name, make part from the label's index)], a description, the spec item it resolved to
def _doodles(quick: bool):
    n_train, n_test = (QUICK_TRAIN, QUICK_TEST) if quick else (doodles.TRAIN_PER_CLASS, doodles.TEST_PER_CLASS)
    arrays = doodles.load(n_train, n_test, cache=not quick)
    described = (f"generated doodles v{doodles.VERSION} ({len(doodles.CLASSES)} classes, {n_train}+{n_test} a class, "
                 "seed 0)")
    return _array_parts(arrays, doodles.CLASSES, "doodles"), described, "doodles"


def _quickdraw(where: Path | None, classes: list[str] | None, quick: bool):
    from mlplay.sketches import quickdraw

    if classes == ["all"]:
        classes = None
    files = quickdraw.class_files(where, classes)
    limit = QUICK_QUICKDRAW if quick else None
    parts = [(name, lambda label, path=path: npy_part(path, label, "quickdraw", limit)) for name, path in files]
    names = ", ".join(name for name, _ in files[:8]) + (", …" if len(files) > 8 else "")
    described = (f"Quick, Draw! numpy_bitmap (real drawings; {quickdraw.CREDIT}), {len(files)} classes ({names}), "
                 f"{portable(where or quickdraw.folder())}")
    return parts, described, _unparse(str(where) if where else "quickdraw", [name for name, _ in files])


def _fetch_missing(classes: list[str]) -> None:
    """Named QuickDraw classes are fetched on first use (their first REAL_PER_CLASS drawings), as MNIST is."""
    from mlplay.sketches import quickdraw

    missing = [c for c in classes if not (quickdraw.folder() / f"{c}.npy").exists()]
    if missing:
        quickdraw.fetch(missing, per_class=REAL_PER_CLASS)


def _drawings(path: Path):
    from mlplay.sketches import drawings

    x_train, y_train, x_test, y_test, labels = drawings.load(path)
    arrays = {"x_train": x_train, "y_train": y_train, "x_test": x_test, "y_test": y_test}
    return _array_parts(arrays, labels, "drawings"), f"recorded drawings in {path}", str(path)


def _array_parts(arrays: dict, labels: list[str], source: str):
    parts = []
    for i, name in enumerate(labels):
        train, test = arrays["x_train"][arrays["y_train"] == i], arrays["x_test"][arrays["y_test"] == i]
        parts.append((name, lambda label, x=train: array_part(x, label, source, test=False)))
        parts.append((name, lambda label, x=test: array_part(x, label, source, test=True)))
    return parts


def _one_source(name: str, classes: list[str] | None, quick: bool):
    from mlplay.sketches import drawings

    if name == "doodles" and classes is None:
        return _doodles(quick)
    if name == "quickdraw":
        return _quickdraw(None, classes, quick)
    path = Path(name)
    if not path.is_dir():
        raise MlplayError(f"no such data: {name}", "use doodles, quickdraw, or a folder of drawings or .npy files")
    if any(path.glob("*.npy")):
        return _quickdraw(path, classes, quick)
    if drawings.is_drawings_folder(path) and classes is None:
        return _drawings(path)
    raise MlplayError(f"{path} holds neither <label>/<drawing>.png folders nor QuickDraw .npy files"
                      if classes is None else f"[classes] are for QuickDraw sources, not {path}")


def load_data(path: Path | None, quick: bool) -> Dataset:
    """The sources named by `path` (see the module docstring), as one stream; labels are merged by name."""
    spec = str(path) if path is not None else "doodles" if quick else default_spec()
    items = parse_spec(spec)
    for name, classes in items:  # first, so that an offline machine learns it before the doodles are generated
        if name == "quickdraw" and classes and classes != ["all"]:
            _fetch_missing(classes)
    labels, parts, described, resolved = [], [], [], []
    for name, classes in items:
        made, description, item = _one_source(name, classes, quick)
        resolved.append(item)
        for label, make in made:
            if label not in labels:
                labels.append(label)
            parts.append(make(labels.index(label)))
        described.append(description)
    if len(labels) < 2:
        raise MlplayError(f"the data has only {len(labels)} label(s): a classifier needs two or more")
    stream = DrawingStream(parts, labels)
    counts = (np.array(stream.per_label("train")) + stream.per_label("validation")).tolist()
    return Dataset(None, None, None, None, " + ".join(described), labels=labels, stream=stream,
                   meta={"reload": ",".join(resolved), "per_label_before_validation_split": counts,
                         "per_label_test": stream.per_label("test"), "validation_split": VALIDATION_RULE})
