"""What a digit model's answer means and what it is given: eleven labels (the ten digits and "not a digit"), when an
answer is sure (`read`), and a drawing or a photo made into the model's input (mlplay/digits/image.py)."""

import numpy as np

from mlplay.experiment import Guess

DIGITS = [str(d) for d in range(10)]
NOT_A_DIGIT = "not a digit"
LABELS = [*DIGITS, NOT_A_DIGIT]
SURE = 0.5  # an answer is a digit when that digit holds at least half the calibrated probability


# How an answer reads ------------------------------------------------------------------------------------
def read(labels: list[str], probabilities: np.ndarray, top: int = 1) -> Guess:
    """The best digit, sure when it holds at least SURE of the probability; otherwise "not a digit" (a model
    without that label is always sure)."""
    digits = [i for i, label in enumerate(labels) if label != NOT_A_DIGIT]
    order = sorted(digits, key=lambda i: -float(probabilities[i]))
    best, p = labels[order[0]], float(probabilities[order[0]])
    knows = NOT_A_DIGIT in labels
    sure = p >= SURE or not knows
    other = float(probabilities[labels.index(NOT_A_DIGIT)]) if knows else 0.0
    return Guess(best, p, [(labels[i], float(probabilities[i])) for i in order[:top]], sure,
                 "" if sure else f"{NOT_A_DIGIT} (best guess {best}, {round(100 * p)} %)",
                 {"not_a_digit": round(other, 4)} if knows else {})


def flagged(probabilities: np.ndarray, labels: list[str] = LABELS) -> np.ndarray:
    """Which rows of probabilities `read` calls not a digit."""
    digits = [i for i, label in enumerate(labels) if label != NOT_A_DIGIT]
    return probabilities[:, digits].max(axis=1) < SURE


# What the model is given -------------------------------------------------------------------------
def canvas_input(canvas) -> np.ndarray:
    """Re-render the strokes with a pen scaled to the digit's size, then MNIST-style crop/scale/centre."""
    from mlplay.digits.image import strokes_image

    return strokes_image(canvas.strokes, canvas.size)[..., None].astype(np.float32)


def image_input(grey: np.ndarray) -> np.ndarray:
    """A photo or scan of one digit (any polarity) → model input."""
    from mlplay.digits.image import to_mnist
    from mlplay.imageio import as_white_on_black

    return to_mnist(as_white_on_black(grey))[..., None].astype(np.float32)
