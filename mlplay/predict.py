"""`mlplay predict NAME FILES…`: the model's own way when its experiment has one (hand gestures, faces), else the
image classifier's: each picture prepared as the experiment says, one line (or JSON object) per picture."""

import json

from mlplay import registry, store
from mlplay.errors import MlplayError
from mlplay.experiment import Predict


def run(request: Predict) -> None:
    exp = registry.experiments().get(request.name)
    if exp is None:  # a model saved under a name of its own: its card says which experiment reads it
        exp = registry.for_card(store.open(request.name, request.models_root).card.raw)
    if exp.predict_files is not None:
        exp.predict_files(request)
        return
    if exp.image_input is None:
        raise MlplayError(f"{request.name} does not take pictures", "see what it does: mlplay models")
    classify_pictures(exp, request)


def classify_pictures(exp, request: Predict) -> None:
    from mlplay.imageio import Batch, read_bgr, read_grey
    from mlplay.runtime import Predictor

    predictor = Predictor(store.open(request.name, request.models_root))
    batch = Batch(request.paths, read_bgr if exp.image_colour else read_grey, strict=request.strict)
    for path, picture in batch:
        print_guesses(path, predictor.top(predictor(exp.image_input(picture)), request.top), request.jsonl)
    batch.done()


def print_guesses(path, guesses: list[tuple[str, float]], jsonl: bool) -> None:
    """A picture's guesses, best first: one line, or one JSON object with --jsonl (every picture model alike)."""
    if jsonl:
        print(json.dumps({"image": str(path), "label": guesses[0][0], "probability": round(guesses[0][1], 4),
                          "top": [[label, round(p, 4)] for label, p in guesses]}))
    else:
        print(f"{path}: " + ", ".join(f"{label} {p:.3f}" for label, p in guesses))
