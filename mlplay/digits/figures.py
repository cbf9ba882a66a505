"""The digit cards' held-out figures beyond MNIST's test accuracy: computed by the training code into the card,
and again by `mlplay eval`, the same way.

- MNIST test: the best digit's accuracy (whether or not the model is sure), and how many it calls not a digit;
- drawings that are not digits, never trained on: Quick, Draw!'s test rows of every class the sketch models know
  (when fetched), and generated letters, signs and scribbles of a seed of their own: how many are called not a
  digit (per class too);
- real handwriting that is not MNIST (when `mlplay data fetch digits-real` has put it in datasets/): USPS and
  optdigits read as `mlplay predict` reads a picture (`image_input`), pendigits' pen paths drawn through the
  window's canvas and renderer (`real.window_input`): accuracy of the best digit, accuracy of the sure answers,
  how many are called not a digit;
- calibration: the expected calibration error (15 bins) before and after the temperature on each of these sets
  (before: the calibrated probabilities with the card's temperature taken out again).
"""

import numpy as np

from mlplay.digits import nondigits, real
from mlplay.digits.reading import LABELS, NOT_A_DIGIT, SURE, flagged, image_input
from mlplay.training.calibrate import ece, predict, temper

HELD_OUT_GENERATED = 2000  # generated non-digits in the held-out check


def report(model, data, card: dict) -> dict:
    labels = list(card.get("labels") or data.labels or LABELS)
    if NOT_A_DIGIT not in labels:
        return {}
    temperature = float(card.get("calibration", {}).get("temperature", 1.0))
    metrics, sets = {}, {}

    def score(name: str, inputs: np.ndarray, truth: np.ndarray | None, what: str) -> np.ndarray:
        p = predict(model, np.asarray(inputs, np.float32).reshape(-1, 28, 28, 1))
        flags = flagged(p, labels)
        entry = {"what": what, "count": int(len(p)), "flagged": round(float(flags.mean()), 6)}
        prefix = "test" if name == "mnist" else name
        metrics[f"{prefix}_flagged"] = entry["flagged"]
        if truth is not None:  # real digits: the best digit, the sure answers, calibration
            best = p[:, : len(labels) - 1].argmax(axis=1)
            right = best == truth
            entry |= {"accuracy": round(float(right.mean()), 6),
                      "sure_accuracy": round(float(right[~flags].mean()), 6) if (~flags).any() else None,
                      "per_digit_accuracy": {str(d): round(float(right[truth == d].mean()), 4)
                                             for d in range(10) if (truth == d).any()},
                      "ece_before": ece(temper(p, 1 / temperature), truth), "ece_after": ece(p, truth)}
            if name == "mnist":  # the loop records its test_ece itself
                metrics["test_digit_accuracy"] = entry["accuracy"]
            else:
                metrics.update({f"{name}_accuracy": entry["accuracy"], f"{name}_ece": entry["ece_after"]})
        sets[name] = entry
        return flags

    score("mnist", data.x_test, data.y_test, "MNIST's test digits (the model's test split)")
    held_out = nondigits.quickdraw_test()
    if held_out is not None:
        x, classes, names = held_out
        flags = score("quickdraw", x, None, "people's Quick, Draw! drawings never trained on (every 7th row of each "
                                            "class), widened like a digit-window drawing")
        sets["quickdraw"]["per_class_flagged"] = {n: round(float(flags[classes == i].mean()), 4)
                                                  for i, n in enumerate(names)}
    quick = bool(card.get("training", {}).get("quick"))
    score("generated", nondigits.generate(200 if quick else HELD_OUT_GENERATED, 0, "test"), None,
          "generated letters, signs and scribbles of a seed never trained on")
    if real.cached() is not None and not quick:
        for name, load in (("usps", real.usps), ("optdigits", real.optdigits)):
            x, y = load()
            score(name, np.stack([image_input(a) for a in x]), y, f"{real.FILES[name][2]}, read as `mlplay predict` "
                                                                  "reads a picture")
        points, y = real.pendigits()
        score("pendigits", np.stack([real.window_input(p) for p in points]), y,
              f"{real.FILES['pendigits'][2]}, each drawn as one mouse stroke through its 8 points on the window's "
              f"canvas, {real.ASPECT} times as wide as tall")
    return {"metrics": metrics, "held_out": {"rule": f"not a digit when no digit holds {100 * SURE:.0f} % of the "
                                                     "calibrated probability", "sets": sets,
                                             "credit": real.CREDIT}}

