"""Adding numbers with a sequence-to-sequence RNN: generated data, encoding, the numpy adder.

The question `a+b` is written with both operands zero-padded to the digit count and read reversed
("17+3" with 2 digits → "03+71"), so the digits that carry first are read last, right before the answer;
the answer is the zero-padded sum, one softmax per digit ("20" → "020").

Test pairs are disjoint from training pairs as unordered pairs: if 17+38 is a test question, neither
17+38 nor 38+17 is ever trained on.
"""

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from mlplay import gru
from mlplay.errors import MlplayError

VOCAB = "0123456789+"  # input characters; index = id
ANSWER = "0123456789"  # output classes
DIGITS = (2, 3)


def question_length(digits: int) -> int:
    return 2 * digits + 1


def answer_length(digits: int) -> int:
    return digits + 1


def encode(a: int, b: int, digits: int) -> list[int]:
    text = f"{a:0{digits}d}+{b:0{digits}d}"[::-1]
    return [VOCAB.index(c) for c in text]


def answer_ids(total: int, digits: int) -> list[int]:
    return [int(c) for c in f"{total:0{answer_length(digits)}d}"]


def unordered_pairs(digits: int, n_test: int, n_train: int | None, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Disjoint sets of unordered pairs (a ≤ b) for test and training: (n_test, 2), (n_train, 2).

    n_train None means every pair not in the test set.
    """
    top = 10**digits
    total = top * (top + 1) // 2
    if n_test + (n_train or 0) > total:
        raise MlplayError(f"asked for {n_test + (n_train or 0)} pairs; only {total} exist with {digits} digits")
    rng = np.random.default_rng(seed)
    if n_train is None:
        chosen = rng.permutation(total)
    else:
        chosen = rng.choice(total, size=n_test + n_train, replace=False)
    pairs = _pair_from_index(chosen, top)
    return pairs[:n_test], pairs[n_test:]


def _pair_from_index(index: np.ndarray, top: int) -> np.ndarray:
    """Index k ∈ [0, top(top+1)/2) → the k-th pair (a, b), a ≤ b, in row order a = 0, 1, …."""
    index = np.asarray(index, np.int64)
    # row a holds top - a pairs and starts at a*top - a(a-1)/2; invert with the quadratic formula, then fix.
    a = np.floor(((2 * top + 1) - np.sqrt((2 * top + 1) ** 2 - 8.0 * index)) / 2).astype(np.int64)
    start = a * top - a * (a - 1) // 2
    a = np.where(start > index, a - 1, a)
    start = a * top - a * (a - 1) // 2
    a = np.where(index - start >= top - a, a + 1, a)
    start = a * top - a * (a - 1) // 2
    b = a + (index - start)
    return np.stack([a, b], axis=1)


def both_orders(pairs: np.ndarray) -> np.ndarray:
    """Each unordered pair as a+b and b+a (once when a = b)."""
    swapped = pairs[pairs[:, 0] != pairs[:, 1]][:, ::-1]
    return np.concatenate([pairs, swapped])


def arrays(pairs: np.ndarray, digits: int) -> tuple[np.ndarray, np.ndarray]:
    x = np.array([encode(int(a), int(b), digits) for a, b in pairs], np.int32)
    y = np.array([answer_ids(int(a + b), digits) for a, b in pairs], np.int32)
    return x, y


def exact_match(predicted: np.ndarray, truth: np.ndarray) -> float:
    """Share of questions whose whole answer (every digit) is right."""
    return float(np.mean(np.all(predicted == truth, axis=-1)))


def char_accuracy(predicted: np.ndarray, truth: np.ndarray) -> float:
    return float(np.mean(predicted == truth))


# Parsing what a person types ---------------------------------------------------------------------
_QUESTION = re.compile(r"^\s*([0-9]+)\s*\+\s*([0-9]+)\s*$")
MAX_INPUT = 40


def parse(text: str, digits: int) -> tuple[int, int]:
    """'17+38' → (17, 38); MlplayError with a short reason otherwise."""
    if not text.strip():
        raise MlplayError("type a sum such as 17+38")
    if len(text) > MAX_INPUT:
        raise MlplayError(f"too long ({len(text)} characters): type a sum such as 17+38")
    match = _QUESTION.match(text)
    if not match:
        bad = next((c for c in text if c not in "0123456789+ "), None)
        if bad is not None:
            raise MlplayError(f"only digits and + please (not {bad!r})")
        raise MlplayError("write it as a+b, e.g. 17+38")
    a, b = match.groups()
    if len(a.lstrip("0") or "0") > digits or len(b.lstrip("0") or "0") > digits:
        raise MlplayError(f"at most {digits} digits per number (0–{10**digits - 1})")
    return int(a), int(b)


# The model at run time (numpy) -----------------------------------------------------------------------
@dataclass
class Answer:
    a: int
    b: int
    value: int
    digits: str  # the predicted digits, zero-padded
    confidence: list[float]  # per answer position

    @property
    def correct(self) -> bool:
        return self.value == self.a + self.b


class Adder:
    """The trained encoder-decoder, run in numpy from weights.npz."""

    LAYERS = ("embed", "encoder", "decoder", "answer")

    def __init__(self, weights: Path, digits: int, name: str = "sum", hint: str | None = None):
        w = gru.load_model_weights(weights, name, hint or f"retrain it: mlplay train sum --digits {digits}")
        missing = [layer for layer in self.LAYERS if layer not in w]
        if missing:
            raise MlplayError(f"{name} is not a summation model (no {', '.join(missing)} layer)",
                              "use sum-2 or sum-3")
        self.digits = digits
        self.embedding = w["embed"][0]
        self.encoder, self.decoder = gru.GRU(w["encoder"]), gru.GRU(w["decoder"])
        self.dense_kernel, self.dense_bias = w["answer"]

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        """x (batch, question length) ids → (batch, answer length, 10) probabilities."""
        _, h = self.encoder.sequence(self.embedding[x])
        repeated = np.repeat(h[:, None, :], answer_length(self.digits), axis=1)
        states, _ = self.decoder.sequence(repeated)
        return gru.softmax(states @ self.dense_kernel + self.dense_bias)

    def __call__(self, a: int, b: int) -> Answer:
        p = self.probabilities(np.array([encode(a, b, self.digits)]))[0]
        ids = p.argmax(axis=-1)
        text = "".join(ANSWER[i] for i in ids)
        return Answer(a, b, int(text), text, [float(v) for v in p.max(axis=-1)])

    def ask(self, text: str) -> Answer:
        return self(*parse(text, self.digits))
