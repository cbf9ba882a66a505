"""Character n-gram language model with interpolated Witten-Bell smoothing: the baseline for the text RNNs.

    P_k(c | h) = (C(h c) + T(h) · P_{k-1}(c | h')) / (C(h) + T(h))        (h' = h without its first char)

C counts in the training text, T(h) the number of distinct characters seen after h; a context never seen
falls back to the shorter one, and P_0 is uniform over the vocabulary. Every probability is > 0 and each
distribution sums to 1, so the held-out cross-entropy is a fair figure to compare with the RNN's.
The order is chosen on the validation text; the test text is scored once with that order.
"""

import math
from collections import Counter

from mlplay.text.writer import bits


class WittenBell:
    def __init__(self, text: str, vocab: list[str], order: int):
        if order < 1:
            raise ValueError("order must be at least 1")
        self.order, self.vocab = order, list(vocab)
        self.counts: list[Counter] = []  # counts[k]: n-grams of length k+1
        self.context: list[dict[str, tuple[int, int]]] = []  # per length k: context → (C(h), T(h))
        for k in range(order):
            grams = Counter(text[i : i + k + 1] for i in range(len(text) - k))
            totals: dict[str, list[int]] = {}
            for gram, n in grams.items():
                entry = totals.setdefault(gram[:-1], [0, 0])
                entry[0] += n
                entry[1] += 1
            self.counts.append(grams)
            self.context.append({h: (c, t) for h, (c, t) in totals.items()})

    def probabilities(self, history: str, char: str) -> list[float]:
        """P_1 … P_order of `char` after `history` (the model of every order up to self.order at once)."""
        p = 1.0 / len(self.vocab)
        out = []
        for k in range(self.order):
            h = history[len(history) - k :] if k else ""
            if k > len(history):
                out.append(p)
                continue
            stats = self.context[k].get(h)
            if stats is not None:
                total, types = stats
                p = (self.counts[k].get(h + char, 0) + types * p) / (total + types)
            out.append(p)
        return out

    def cross_entropy(self, text: str) -> list[float]:
        """Mean nats per character of `text` for each order 1 … self.order (context restarts at its start)."""
        sums = [0.0] * self.order
        for i, char in enumerate(text):
            history = text[max(0, i - self.order + 1) : i]
            for k, p in enumerate(self.probabilities(history, char)):
                sums[k] -= math.log(p)
        return [s / max(1, len(text)) for s in sums]


def baseline(train: str, validation: str, test: str, vocab: list[str], max_order: int = 8) -> dict:
    """Fit on train, choose the order on validation, score test once; figures in nats and bits per char."""
    model = WittenBell(train, vocab, max_order)
    val = model.cross_entropy(validation)
    best = min(range(max_order), key=lambda k: val[k])
    test_nats = model.cross_entropy(test)[best]
    return {"model": "character n-gram, interpolated Witten-Bell", "order": best + 1,
            "validation_nats_per_char": {str(k + 1): round(v, 4) for k, v in enumerate(val)},
            "test_nats_per_char": round(test_nats, 6), "test_bits_per_char": round(bits(test_nats), 6)}
