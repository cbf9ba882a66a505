"""Character-level text generation at run time, in numpy: stateful, one step per character (see TextModel)."""

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
    """A trained char model (Embedding → GRU → … → GRU → Dense) run in numpy from its weights (weights.npz) and its
    vocabulary, one step a character.

    Every product that can be prepared ahead is prepared:
    - the first GRU's input part for each vocabulary character is a table (vocab × 3u): embedding, kernel and bias;
    - each layer's new state h is multiplied once, by its kernel of what goes up (the next layer's input kernel,
      or the dense layer's for the top one) side by side with its own recurrent kernel U: the first part feeds the
      layer above now, the second (h U + b') is what the state brings to the next step.
    So a step of L layers is L products, each reading its weights once (not 2L products plus the dense one).
    The state carried from step to step is every layer's h, then every layer's h U + b', side by side.
    """

    LAYERS = ("embed", "gru", "next_char")

    def __init__(self, weights: Path, vocab: list[str], name: str = "text model", hint: str | None = None):
        w = gru.load_model_weights(weights, name, hint)
        missing = [layer for layer in self.LAYERS if layer not in w]
        if missing:
            raise MlplayError(f"{name}: {Path(weights).name} lacks the {', '.join(missing)} layer", hint)
        w = {layer: [np.asarray(a, np.float32) for a in arrays] for layer, arrays in w.items()}
        self.name, self.vocab = name, list(vocab)
        self.index = {c: i for i, c in enumerate(self.vocab)}
        stacked = 1  # GRU layers, named gru, gru_2, gru_3, …
        while f"gru_{stacked + 1}" in w:
            stacked += 1
        self.layers = [gru.GRU(w["gru" if i == 1 else f"gru_{i}"]) for i in range(1, stacked + 1)]
        self.table = self.layers[0].input_part(w["embed"][0])  # vocab × 3u
        ups = [(layer.kernel, layer.bias_in) for layer in self.layers[1:]] + [tuple(w["next_char"])]
        self.fused = [(np.ascontiguousarray(np.concatenate([kernel, layer.recurrent], axis=1)),
                       np.concatenate([bias, layer.bias_rec])) for layer, (kernel, bias) in zip(self.layers, ups)]
        self.up_widths = [kernel.shape[1] for kernel, _ in ups]
        units = [layer.units for layer in self.layers]
        ends = np.cumsum(units + [3 * u for u in units]).tolist()
        starts = [0] + ends[:-1]
        self._h = [slice(a, b) for a, b in zip(starts[:stacked], ends[:stacked])]
        self._hu = [slice(a, b) for a, b in zip(starts[stacked:], ends[stacked:])]

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
        """The start state: every h zero, so every h U + b' is the recurrent bias b'."""
        h = np.zeros((batch, sum(layer.units for layer in self.layers)), np.float32)
        hu = np.tile(np.concatenate([layer.bias_rec for layer in self.layers]), (batch, 1))
        return np.concatenate([h, hu], axis=1)

    def step(self, ids: np.ndarray, state: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """ids (batch,) → (logits (batch, vocab), new state)."""
        up, hs, hus = self.table[ids], [], []
        for layer, (weights, bias), width, h, hu in zip(self.layers, self.fused, self.up_widths, self._h, self._hu):
            h = layer.update(up, state[:, hu], state[:, h])
            out = h @ weights
            out += bias
            up = out[:, :width]  # the layer above's input part; after the top layer, the logits
            hs.append(h)
            hus.append(out[:, width:])
        return up, np.concatenate(hs + hus, axis=1)

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


def measured_speed(weights: Path, vocab: list[str]) -> dict:
    """What this numpy writer costs, for a card: mlplay.text.bench (numpy_speed) run as `mlplay write` runs, with one
    BLAS thread, in a fresh process."""
    import json
    import os
    import subprocess
    import sys
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "vocabulary.json").write_text(json.dumps(vocab))
        result = subprocess.run([sys.executable, "-m", "mlplay.text.bench", "--weights", str(weights),
                                 "--vocabulary", str(Path(tmp) / "vocabulary.json")], capture_output=True, text=True,
                                env={**os.environ, "OPENBLAS_NUM_THREADS": "1"})
    if result.returncode != 0:
        raise MlplayError(f"measuring the writer's speed failed: {(result.stderr.strip().splitlines() or ['?'])[-1]}")
    return json.loads(result.stdout)
