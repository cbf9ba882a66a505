"""Character-level text models (shakespeare, wikipedia, or any text file): Embedding → GRU → softmax.

The text is split into contiguous train / validation / test blocks (80/10/10). The vocabulary is the set of
characters seen at least MIN_COUNT times in the training block; others are dropped everywhere (and counted).
The card reports the test block's cross-entropy in nats and bits per character, scored statefully in numpy,
beside a character n-gram baseline (interpolated Witten-Bell, order chosen on validation) fit on the same
training block.
"""

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from mlplay import rnn, textgen
from mlplay.errors import MlplayError
from mlplay.experiments.base import Dataset, Experiment

MIN_COUNT = 5
MIN_CHARS = 2000
QUICK_CHARS = 20_000


@dataclass
class Size:
    units: int
    embed: int
    seq: int
    stride: int
    dropout: float
    epochs: int


def size_for(n_chars: int, quick: bool) -> Size:
    """Small corpora get a small, regularised model; larger ones a wider one (kept to a few 100k params)."""
    if quick:
        return Size(64, 16, 32, 16, 0.0, 2)
    if n_chars < 400_000:  # e.g. the sonnets (94 k characters)
        return Size(192, 32, 100, 25, 0.5, 40)
    return Size(320, 48, 128, 128, 0.1, 16)


def load_text(path: Path) -> str:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise MlplayError(f"{path} is not UTF-8 text") from None
    except OSError as e:
        raise MlplayError(f"cannot read {path}: {e.strerror}") from None
    text = text.replace("\r\n", "\n")
    if len(text) < MIN_CHARS:
        raise MlplayError(f"{path} has only {len(text)} characters", f"give at least {MIN_CHARS}")
    return text


def windows(ids: np.ndarray, seq: int, stride: int) -> tuple[np.ndarray, np.ndarray]:
    """Input windows and their next-character targets (both (n, seq))."""
    starts = np.arange(0, len(ids) - seq - 1 + 1, stride)
    if len(starts) == 0:
        raise MlplayError(f"a split has only {len(ids)} characters: too short for windows of {seq}")
    x = np.stack([ids[s : s + seq] for s in starts])
    y = np.stack([ids[s + 1 : s + seq + 1] for s in starts])
    return x.astype(np.int32), y.astype(np.int32)


class TextExperiment:
    """Holds what the data decided (vocabulary, size, splits) for build/report, which run after load_data."""

    def __init__(self, name: str, corpus):
        self.name, self.corpus = name, corpus  # corpus(path or None) -> (text path, source label)
        self.size: Size | None = None
        self.splits: dict[str, str] = {}

    def load_data(self, path: Path | None, quick: bool) -> Dataset:
        text_path, source = self.corpus(path)
        text = load_text(text_path)
        if quick:
            text = text[:QUICK_CHARS]
        train, val, test = textgen.split_blocks(text)
        counts = Counter(train)
        vocab = sorted(c for c, n in counts.items() if n >= (1 if quick else MIN_COUNT))
        filtered = {k: textgen.keep_known(t, set(vocab)) for k, t in (("train", train), ("validation", val), ("test", test))}
        self.splits = {k: f.text for k, f in filtered.items()}
        self.size = size_for(len(text), quick)
        index = {c: i for i, c in enumerate(vocab)}
        ids = {k: np.array([index[c] for c in t], np.int64) for k, t in self.splits.items()}
        s = self.size
        x_train, y_train = windows(ids["train"], s.seq, s.stride)
        x_val, y_val = windows(ids["validation"], s.seq, s.seq)
        x_test, y_test = windows(ids["test"], s.seq, s.seq)
        meta = {"chars": len(text), "vocabulary_size": len(vocab),
                "blocks": {k: len(t) for k, t in self.splits.items()},
                "split": "contiguous blocks: first 80 % train, next 10 % validation, last 10 % test",
                "dropped_characters": {k: len(t) - len(filtered[k].text) for k, t in
                                       (("train", train), ("validation", val), ("test", test))},
                "windows": f"{s.seq} characters; training windows every {s.stride}, validation/test windows disjoint"}
        return Dataset(x_train, y_train, x_test, y_test, source, meta=meta, x_val=x_val, y_val=y_val,
                       labels=None)

    def build(self):
        import keras
        from keras import layers

        s, n = self.size, len(self._vocab())
        inputs = keras.Input((None,), dtype="int32", name="chars")
        x = layers.Embedding(n, s.embed, name="embed")(inputs)
        if s.dropout:
            x = layers.Dropout(s.dropout / 4, name="embed_dropout")(x)
        x = layers.GRU(s.units, return_sequences=True, name="gru")(x)
        if s.dropout:
            x = layers.Dropout(s.dropout, name="dropout")(x)
        outputs = layers.Dense(n, activation="softmax", name="next_char")(x)
        return keras.Model(inputs, outputs, name=f"{self.name.replace('-', '_')}_char_gru")

    def _vocab(self) -> list[str]:
        return sorted(set(self.splits["train"]))

    def report(self, model, data: Dataset) -> dict:
        """Stateful numpy cross-entropy on the whole test block vs the n-gram baseline."""
        import tempfile

        from mlplay import ngram

        vocab = self._vocab()
        with tempfile.TemporaryDirectory() as tmp:
            rnn.export(model, Path(tmp) / rnn.WEIGHTS_FILE)
            runtime = textgen.TextModel(self.name, folder=Path(tmp), card={"vocabulary": vocab})
            test_nats = runtime.cross_entropy(self.splits["test"])
            val_nats = runtime.cross_entropy(self.splits["validation"])
        base = ngram.baseline(self.splits["train"], self.splits["validation"], self.splits["test"], vocab)
        bpc = textgen.bits(test_nats)
        return {
            "vocabulary": vocab,
            "metrics": {"test_bits_per_char": round(bpc, 6), "test_nats_per_char": round(test_nats, 6),
                        "ngram_test_bits_per_char": base["test_bits_per_char"],
                        "beats_ngram_baseline": bool(bpc < base["test_bits_per_char"])},
            "validation": {"nats_per_char": round(val_nats, 6)},
            "baseline": base,
            "evaluation": "test block scored statefully in numpy (contiguous streams of ≥ 4,000 characters, zero start state); "
                          "test_loss is Keras' mean over disjoint windows, each starting without context",
            "architecture": {"units": self.size.units, "embedding": self.size.embed, "dropout": self.size.dropout},
        }

    def export(self, model, folder: Path) -> None:
        rnn.export(model, folder / rnn.WEIGHTS_FILE)

    def experiment(self, summary: str) -> Experiment:
        return Experiment(
            name=self.name, task="character-level text generation", summary=summary, labels=[],
            input_shape=(None,), preprocessing="characters → ids of the card's vocabulary (unknown ones dropped)",
            build=self.build, load_data=self.load_data, epochs=40, batch_size=64, learning_rate=3e-3, patience=4,
            loss="sparse_categorical_crossentropy", metrics=("accuracy",), monitor="val_loss",
            headline="test_bits_per_char", report=self.report, export=self.export)


def _shakespeare(path: Path | None):
    from mlplay.data import corpora

    if path is not None:
        return path, f"{Path(path).name} (plain text)"
    return corpora.fetch_shakespeare(), corpora.source_label("shakespeare")


def _wikipedia(path: Path | None):
    from mlplay.data import corpora

    if path is not None and Path(path).suffix in (".xml", ".bz2"):
        return corpora.fetch_wikipedia(Path(path)), corpora.source_label("wikipedia")
    if path is not None:
        return path, f"{Path(path).name} (plain text)"
    return corpora.fetch_wikipedia(), corpora.source_label("wikipedia")


def custom(name: str, path: Path | None) -> Experiment:
    """A text model on any plain text file (`mlplay train text --data FILE --name NAME`)."""
    if path is None:
        raise MlplayError("training a text model needs --data FILE", "e.g. mlplay train text --data book.txt --name book")

    def corpus(p):
        p = p or path
        return p, f"{Path(p).name} (plain text)"

    return _with_epochs(TextExperiment(name, corpus), "character GRU on a plain text file")


def _with_epochs(t: TextExperiment, summary: str) -> Experiment:
    exp = t.experiment(summary)
    original = exp.load_data

    def load_data(path, quick):  # the epoch count follows the corpus size, known once loaded
        data = original(path, quick)
        exp.epochs = t.size.epochs
        return data

    exp.load_data = load_data
    return exp


EXPERIMENTS = [
    _with_epochs(TextExperiment("shakespeare", _shakespeare), "character GRU on Shakespeare"),
    _with_epochs(TextExperiment("wikipedia", _wikipedia), "character GRU on Wikipedia articles"),
]
