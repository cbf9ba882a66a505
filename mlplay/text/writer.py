"""Character-level text generation at run time, in numpy: stateful, one step per character.

The GRU's input part for every vocabulary character is precomputed once (embedding → kernel), so a step
is one (units × 3·units) product for the state and one (units × vocab) product for the next-char logits.
"""

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from mlplay import gru, store
from mlplay.errors import MlplayError


def split_blocks(text: str, fractions=(0.8, 0.1)) -> tuple[str, str, str]:
    """Train / validation / test as three contiguous blocks (in that order)."""
    n = len(text)
    a, b = int(n * fractions[0]), int(n * (fractions[0] + fractions[1]))
    return text[:a], text[a:b], text[b:]


@dataclass
class Filtered:
    text: str
    dropped: list[str] = field(default_factory=list)  # distinct characters removed


def keep_known(text: str, vocab: set[str] | dict) -> Filtered:
    kept = "".join(c for c in text if c in vocab)
    dropped = sorted({c for c in text if c not in vocab}) if len(kept) != len(text) else []
    return Filtered(kept, dropped)


def retrain_command(name: str, card: dict) -> str:
    """How to train this text model again (a custom one needs its text file and name)."""
    path = card.get("data", {}).get("path")
    if card.get("command", "").startswith("mlplay train text") or path:
        return f"mlplay train text --data {path or 'FILE'} --name {name}"
    return f"mlplay train {name}"


class TextModel:
    """A trained char model (Embedding → GRU → Dense) run in numpy from its weights (weights.npz) and vocabulary."""

    LAYERS = ("embed", "gru", "next_char")

    def __init__(self, weights: Path, vocab: list[str], name: str = "text model", hint: str | None = None):
        w = gru.load_model_weights(weights, name, hint)
        missing = [layer for layer in self.LAYERS if layer not in w]
        if missing:
            raise MlplayError(f"{name}: {Path(weights).name} lacks the {', '.join(missing)} layer", hint)
        self.name, self.vocab = name, list(vocab)
        self.index = {c: i for i, c in enumerate(self.vocab)}
        self.gru = gru.GRU(w["gru"])
        self.upper = [gru.GRU(w[f"gru_{i}"]) for i in range(2, 2 + sum(k.startswith("gru_") for k in w))]
        self.table = self.gru.input_part(w["embed"][0]).astype(np.float32)  # vocab × 3u
        self.dense_kernel, self.dense_bias = w["next_char"]

    @classmethod
    def open(cls, name: str, root: Path | None = None) -> "TextModel":
        """The saved text model `name` (models/<name>/), its card and weights checked."""
        model = store.open(name, root)
        vocab = model.card.raw.get("vocabulary")
        if not vocab or not isinstance(vocab, list):
            raise MlplayError(f"{name} is not a text model (its card has no vocabulary)",
                              "pick a text model: mlplay models")
        return cls(model.file(gru.WEIGHTS_FILE), vocab, name, f"rebuild it with: {model.card.rebuild}")

    # one step ------------------------------------------------------------------------------------
    def zeros(self, batch: int = 1) -> np.ndarray:
        """The start state: one row of units per layer, side by side."""
        return np.zeros((batch, self.gru.units * (1 + len(self.upper))), np.float32)

    def step(self, ids: np.ndarray, h: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """ids (batch,) → (logits (batch, vocab), new state)."""
        if not self.upper:
            h = self.gru.step_from(self.table[ids], h)
            return h @ self.dense_kernel + self.dense_bias, h
        u, states = self.gru.units, []
        below = self.gru.step_from(self.table[ids], h[:, :u])
        states.append(below)
        for i, layer in enumerate(self.upper, 1):
            below = layer.step_from(layer.input_part(below), h[:, i * u : (i + 1) * u])
            states.append(below)
        return below @ self.dense_kernel + self.dense_bias, np.concatenate(states, axis=1)

    def encode(self, text: str) -> Filtered:
        return keep_known(text, self.index)

    def feed(self, text: str, h: np.ndarray | None = None) -> tuple[np.ndarray | None, np.ndarray]:
        """Run the known characters of `text`; return (logits after the last one or None, state)."""
        h = self.zeros() if h is None else h
        logits = None
        for c in text:
            i = self.index.get(c)
            if i is not None:
                logits, h = self.step(np.array([i]), h)
        return logits, h

    # generation ---------------------------------------------------------------------------------------
    def generate(self, prompt: str, length: int, temperature: float = 0.5, seed: int | None = None,
                 state=None):
        """Yield `length` characters continuing `prompt` (sampled; temperature 0 = always the likeliest)."""
        rng = np.random.default_rng(seed)
        logits, h = state if state is not None else self.feed(prompt)
        if logits is None:  # nothing known to start from: begin after a newline if there is one
            start = self.index.get("\n", 0)
            logits, h = self.step(np.array([start]), h)
        for _ in range(length):
            i = self.choose(logits[0], temperature, rng)
            yield self.vocab[i]
            logits, h = self.step(np.array([i]), h)

    @staticmethod
    def choose(logits: np.ndarray, temperature: float, rng: np.random.Generator) -> int:
        if temperature <= 0:
            return int(np.argmax(logits))
        weights = np.cumsum(np.exp((logits.astype(np.float64) - logits.max()) / temperature))  # unnormalised
        return min(int(np.searchsorted(weights, rng.random() * weights[-1])), len(weights) - 1)

    # held-out figures -------------------------------------------------------------------------------------
    def cross_entropy(self, text: str, streams: int | None = None) -> float:
        """Mean nats per char over `text`, statefully (each char given everything before it in its stream).

        The text is cut into `streams` contiguous pieces (default: one per 4,000 characters, at most 64) run
        side by side; each starts from a zero state and its first character is not scored.
        """
        ids = np.array([self.index[c] for c in text if c in self.index], np.int64)
        streams = max(1, min(streams or min(64, len(ids) // 4000), len(ids) // 2))
        length = len(ids) // streams
        if length < 2:
            raise MlplayError("text too short to score")
        block = ids[: streams * length].reshape(streams, length)
        h, total = self.zeros(streams), 0.0
        for t in range(length - 1):
            logits, h = self.step(block[:, t], h)
            total -= float(gru.log_softmax(logits)[np.arange(streams), block[:, t + 1]].sum())
        return total / (streams * (length - 1))


class Ghost:
    """Continuations for text being typed, reusing the state of the part already fed (one step per keypress)."""

    def __init__(self, model: TextModel, length: int = 40, temperature: float = 0.0):
        self.model, self.length, self.temperature = model, length, temperature
        self._text, self._state = "", (None, model.zeros())

    def state_for(self, text: str):
        if not text.startswith(self._text):
            self._text, self._state = "", (None, self.model.zeros())
        logits, h = self._state
        new_logits, h = self.model.feed(text[len(self._text):], h)
        self._text, self._state = text, (new_logits if new_logits is not None else logits, h)
        return self._state

    def __call__(self, text: str, seed: int = 0) -> str:
        state = self.state_for(text)
        if state[0] is None:
            return ""
        return "".join(self.model.generate("", self.length, self.temperature, seed, state=state))


def bits(nats: float) -> float:
    return nats / math.log(2)
