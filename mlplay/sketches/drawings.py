"""A folder of labelled drawings, e.g. the ones saved with s in `mlplay draw sketches --record LABEL`.

Layout: `<folder>/<label>/<name>.png`. A drawing saved by the window has two files: `<stem>.png` (28×28, what
the model saw) and `<stem>-full.png` (the canvas); the small one is used. Other pictures are cropped to the ink,
scaled to fit and centred (white on black; dark-on-light pictures are inverted).
"""

from pathlib import Path

import numpy as np

from mlplay.errors import MlplayError
from mlplay.imageio import images_in

TEST_EVERY = 5  # per label, sorted by name: the 1st, 6th, 11th… drawing is held out for the test


def is_drawings_folder(path: Path) -> bool:
    return Path(path).is_dir() and any(_images(d) for d in Path(path).iterdir() if d.is_dir())


def _images(folder: Path) -> list[Path]:
    files = images_in(folder)
    stems = {p.stem for p in files}
    return [p for p in files if not (p.stem.endswith("-full") and p.stem[: -len("-full")] in stems)]


def load(folder: Path):
    """(x_train, y_train, x_test, y_test, labels): labels are the sub-folder names, sorted."""
    from mlplay.imageio import as_white_on_black, read_grey, skip
    from mlplay.sketches.render import fit_image

    folder = Path(folder)
    labels = sorted(d.name for d in folder.iterdir() if d.is_dir() and _images(d)) if folder.is_dir() else []
    if not labels:
        raise MlplayError(f"no drawings in {folder}", "expected <folder>/<label>/<drawing>.png, e.g. from "
                          "mlplay draw sketches --record LABEL")
    parts = {"train": ([], []), "test": ([], [])}
    for index, label in enumerate(labels):
        files = _images(folder / label)
        for i, path in enumerate(files):
            try:
                grey = read_grey(path)
            except MlplayError as e:
                skip(e)
                continue
            image = grey if grey.shape == (28, 28) else fit_image(as_white_on_black(grey))
            xs, ys = parts["test" if i % TEST_EVERY == 0 and len(files) > 1 else "train"]
            xs.append(image)
            ys.append(index)
    if not parts["test"][0]:
        raise MlplayError(f"too few drawings in {folder} for a held-out test", "save at least two of a label")
    stack = lambda split: (np.stack(parts[split][0]).astype(np.uint8), np.asarray(parts[split][1], np.int64))  # noqa: E731
    (x_train, y_train), (x_test, y_test) = stack("train"), stack("test")
    return x_train, y_train, x_test, y_test, labels
