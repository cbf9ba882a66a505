"""The tone curve: a fixed mapping of the generator's grey levels onto those of real digits (numpy only).

A generator's strokes come out a little soft: a faint haze where MNIST's background is exactly black, grey where
MNIST's pens saturate at white. The Fréchet distance punishes that texture hard (half a pixel of blur on real digits
costs about six times its floor, docs/dream.md). The tone curve corrects the grey levels alone, never the shapes: a
monotone lookup table of the 256 levels, fitted so that the levels of generated digits are spread as those of the
real training digits are (histogram matching: level v goes to the real level of the same quantile). It is fitted
once, on samples of its own seed and on the training digits, never on validation or test digits and without the judge.
"""

import numpy as np

LEVELS = 256
IDENTITY = np.arange(LEVELS, dtype=np.uint8)


def fit(generated: np.ndarray, real: np.ndarray) -> np.ndarray:
    """The curve (256 uint8) that sends the grey levels of `generated` pictures to those of `real` ones at the same
    quantile: where a share q of generated pixels are at most v, v goes to the least real level with a share ≥ q."""
    made = np.cumsum(np.bincount(np.asarray(generated, np.uint8).ravel(), minlength=LEVELS)) / np.size(generated)
    known = np.cumsum(np.bincount(np.asarray(real, np.uint8).ravel(), minlength=LEVELS)) / np.size(real)
    return np.searchsorted(known, made - 1e-12).clip(0, LEVELS - 1).astype(np.uint8)


def of_card(card: dict) -> np.ndarray:
    """The card's curve; the identity for a generator measured before it had one."""
    curve = card.get("sampling", {}).get("tone")
    return IDENTITY if curve is None else np.asarray(curve, np.uint8)
