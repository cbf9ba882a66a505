"""English → French translation: the experiments `mlplay train translate` (and its two candidates) runs.

Data: Tatoeba's English–French pairs (mlplay/translate/data.py), split by English sentence. Vocabulary: one
byte-pair-encoding vocabulary for both languages, learned on the training pairs (subwords.py), so no word is
unknown. Models (layers.py): a GRU encoder–decoder with attention, or a small transformer, trained with teacher
forcing for a wall-time budget; the better one on the validation sentences is `translate` (docs/translate.md).

The card's figures are those of the shipped files, run as `mlplay translate` runs them (figures.py): the float16
weights in numpy, on every held-out test sentence, against all of its French translations: BLEU and chrF for greedy
decoding and for a beam of 4, beside a word-by-word baseline, and the same for the test sentences as people type them
(typed.py).
"""

import tempfile
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np

from mlplay.errors import MlplayError
from mlplay.experiment import DataSet, Dataset, Experiment, Family, Try
from mlplay.paths import portable
from mlplay.translate import data as tatoeba, scores
from mlplay.translate.batches import LengthBatches
from mlplay.translate.subwords import END, START, Subwords, learn

MAX_SOURCE, MAX_TARGET = 40, 48  # pieces; longer training pairs are left out (and counted in the card)
POSITIONS = 64  # the transformer's position table: longer than any sentence it is given (translator.py cuts)


@dataclass(frozen=True)
class Recipe:
    architecture: str  # "gru_attention" or "transformer"
    vocabulary: int  # subword vocabulary size (both languages)
    dim: int  # embedding size (the transformer's width)
    units: int = 0  # GRU: encoder units each way (the decoder has twice as many)
    heads: int = 0  # transformer
    hidden: int = 0  # transformer: feed-forward width
    layers: int = 0  # transformer: blocks in the encoder and in the decoder
    dropout: float = 0.2
    batch_size: int = 64
    learning_rate: float = 1e-3
    warmup: float = 0.0  # share of the time budget over which the learning rate rises
    minutes: float = 24.0  # wall-time budget: the learning rate decays over it, training stops at its end
    bfloat16: bool = False  # on a CPU with bfloat16 instructions, compute in bfloat16 (weights stay float32)

    def network(self, source_length: int) -> dict:
        if self.architecture == "gru_attention":
            return {"vocabulary": self.vocabulary, "source_length": source_length, "embed": self.dim,
                    "units": self.units, "dropout": self.dropout}
        return {"vocabulary": self.vocabulary, "source_length": source_length, "dim": self.dim, "heads": self.heads,
                "hidden": self.hidden, "layers": self.layers, "dropout": self.dropout, "positions": POSITIONS}

    def summary(self) -> str:
        if self.architecture == "gru_attention":
            return (f"bidirectional GRU {self.units}×2 encoder → GRU {2 * self.units} decoder with dot attention, "
                    f"tied {self.dim}-wide embeddings, {self.vocabulary:,} shared subwords")
        return (f"transformer, {self.layers}+{self.layers} pre-norm blocks of width {self.dim} ({self.heads} heads, "
                f"feed-forward {self.hidden}), tied embeddings, {self.vocabulary:,} shared subwords")


RECIPES = {
    "translate-gru": Recipe("gru_attention", vocabulary=4000, dim=256, units=256, dropout=0.2, batch_size=128,
                            learning_rate=2e-3),
    "translate-transformer": Recipe("transformer", vocabulary=4000, dim=256, heads=4, hidden=512, layers=3,
                                    dropout=0.1, batch_size=128, learning_rate=1e-3, warmup=0.05, bfloat16=True),
}
SHIPPED = "translate-transformer"  # the candidate `translate` trains (chosen on validation BLEU: docs/translate.md)
RECIPES["translate"] = RECIPES[SHIPPED]
QUICK = dict(vocabulary=400, dim=32, units=24, heads=2, hidden=48, layers=1, batch_size=64, minutes=0.0)


@dataclass
class Prepared:
    """What the data decided, kept for build, report and export (which run after load_data)."""

    splits: tatoeba.Splits
    subwords: Subwords
    english_words: set[str]
    source_length: int
    recipe: Recipe


class TranslateExperiment:
    def __init__(self, name: str, recipe: Recipe):
        self.name, self.recipe = name, recipe
        self.prepared: Prepared | None = None

    # data ------------------------------------------------------------------------------------------------------
    def load_data(self, path: Path | None, quick: bool) -> Dataset:
        path = Path(path) if path is not None else tatoeba.fetch()
        read = tatoeba.read_pairs(path)
        splits = tatoeba.quick_subset(tatoeba.split(read.pairs)) if quick else tatoeba.split(read.pairs)
        empty = [s for s in ("train", "validation", "test") if not getattr(splits, s)]
        if empty:
            raise MlplayError(f"{path}: no English sentence falls in the {' and '.join(empty)} split "
                              f"({len(read.pairs)} pairs)", "give more pairs: a few hundred sentences at least")
        recipe = replace(self.recipe, **QUICK) if quick else self.recipe
        texts = [e for e, _ in splits.train] + [f for _, f in splits.train]
        vocabulary = learn(texts, recipe.vocabulary)
        recipe = replace(recipe, vocabulary=len(vocabulary))  # a small text may give fewer pieces than asked
        english_words = {w.lower() for e, _ in splits.train for w in scores.words(e)}
        encoded = {s: _encode(getattr(splits, s), vocabulary) for s in ("train", "validation", "test")}
        train = [p for p in encoded["train"] if len(p[0]) <= MAX_SOURCE and len(p[1]) < MAX_TARGET]
        source_length = max(len(p[0]) for p in train)
        target_length = max(len(p[1]) for p in train) + 1  # with </s>
        kept = {s: [p for p in pairs if len(p[0]) <= source_length and len(p[1]) < target_length]
                for s, pairs in encoded.items()}  # Keras' validation and test pairs: as long as training's at most
        arrays = {s: _arrays(pairs, vocabulary, source_length, target_length) for s, pairs in kept.items()}
        self.prepared = Prepared(splits, vocabulary, english_words, source_length, recipe)
        meta = {"file": portable(path), "sha256": read.sha256, "licence": tatoeba.LICENCE,
                "pairs": len(read.pairs), "lines_skipped": read.skipped,
                "split": f"by English sentence: the SHA-256 of its key (lower case, words only) puts "
                         f"{tatoeba.TEST_SHARE} % of sentences in test and {tatoeba.VALIDATION_SHARE} % in validation, "
                         "each with all of its translations",
                "validation_split": "the validation sentences of `split`; test set held out",
                "sentences": splits.sizes(),
                "left_out_of_keras_sets": {s: len(encoded[s]) - len(kept[s]) for s in encoded},
                "vocabulary": {"kind": "byte-pair encoding shared by English and French, learned on the training "
                                       "pairs (mlplay/translate/subwords.py)", "size": len(vocabulary),
                               "alphabet": len(vocabulary.alphabet), "merges": len(vocabulary.merges)},
                "normalisation": "Unicode NFC; typographic apostrophes, quotes and dashes made plain; every space "
                                 "one plain space",
                "quick": quick}
        if quick:
            meta["quick_pairs"] = tatoeba.QUICK_PAIRS
        return Dataset(None, None, None, None, tatoeba.source_label(path), meta=meta,
                       stream=LengthBatches(arrays, source_length), epochs=200 if not quick else None,
                       minutes=recipe.minutes or None)

    # model -----------------------------------------------------------------------------------------------------
    def build(self):
        import keras

        from mlplay.translate import layers

        p = self._ready()
        keras.mixed_precision.set_global_policy(precision(p.recipe))
        config = p.recipe.network(p.source_length)
        if p.recipe.architecture == "gru_attention":
            return layers.gru_attention(config["vocabulary"], p.source_length, config["embed"], config["units"],
                                        config["dropout"])
        return layers.transformer(config["vocabulary"], p.source_length, config["dim"], config["heads"],
                                  config["hidden"], config["layers"], config["dropout"], POSITIONS)

    def export(self, model, folder: Path) -> None:
        from mlplay.translate import translator

        p = self._ready()
        translator.export(model, folder, p.recipe.network(p.source_length), p.subwords, p.english_words)

    def report(self, model, data: Dataset) -> dict:
        """The shipped files' figures: export to a temporary folder, load it as `mlplay translate` does, score."""
        from mlplay.translate import figures as held_out

        p = self._ready()
        with tempfile.TemporaryDirectory() as tmp:
            self.export(model, Path(tmp))
            figures = held_out.measure(Path(tmp), p.splits)
        return {**figures, "summary": p.recipe.summary(),
                "architecture": {"recipe": asdict(p.recipe), "network": p.recipe.network(p.source_length),
                                 "precision": precision(p.recipe)}}

    def rescore(self, model, path: Path | None) -> dict:
        """`mlplay eval`: the same figures again from the shipped files (a store.Model), on the pairs the card names:
        --data, else the fetched file when it is the same (by SHA-256)."""
        from mlplay.translate import figures as held_out
        from mlplay.translate.translator import FILES

        splits = tatoeba.recorded_splits(model, path, f"mlplay eval {model.name}")
        for file in FILES:
            model.file(file)  # each checked against the card's SHA-256
        return held_out.measure(model.folder, splits)["metrics"]

    def _ready(self) -> Prepared:
        if self.prepared is None:
            raise MlplayError("the translation data is not loaded yet")
        return self.prepared

    def experiment(self) -> Experiment:
        r = self.recipe
        return Experiment(
            name=self.name, task="translation", summary=r.summary(), labels=[], input_shape=(None,),
            preprocessing="English and French normalised, cut into shared subword pieces; one packed row a pair: the "
                          "English ids, then <s> and the French ids (teacher forcing)",
            build=self.build, load_data=self.load_data, epochs=200, batch_size=r.batch_size,
            learning_rate=r.learning_rate, warmup=r.warmup, patience=1000, clipnorm=1.0,
            loss=masked_loss, metrics=(piece_accuracy,), monitor="val_loss", headline="test_bleu_beam4",
            report=self.report, export=self.export, rescore=self.rescore, keep_keras=False, keep_litert=False,
            litert=False,
            tries=(Try(("translate", "--model", "{name}", "--models-dir", "{models}"), "I am hungry.\n"),),
            sample_data="tatoeba-fra-eng/fra-eng.tsv")


# training loss and accuracy over the real target pieces (padding left out; Keras is imported only when called) --
LABEL_SMOOTHING = 0.1


def masked_loss(y_true, y_pred):
    """Cross-entropy of the next piece, label smoothing 0.1, over the non-padding positions. The model's output is cut
    to the batch's longest sentence (layers.SplitPair), so the targets are cut to match."""
    from keras import ops

    y_true = ops.cast(y_true[:, : ops.shape(y_pred)[1]], "int32")
    mask = ops.cast(ops.not_equal(y_true, 0), "float32")
    log_p = ops.log_softmax(ops.cast(y_pred, "float32"), axis=-1)
    nll = -ops.squeeze(ops.take_along_axis(log_p, y_true[..., None], axis=-1), -1)
    loss = (1 - LABEL_SMOOTHING) * nll - LABEL_SMOOTHING * ops.mean(log_p, axis=-1)
    return ops.sum(loss * mask) / ops.maximum(ops.sum(mask), 1.0)


def piece_accuracy(y_true, y_pred):
    """Share of target pieces predicted right given the reference before them, padding left out."""
    from keras import ops

    y_true = ops.cast(y_true[:, : ops.shape(y_pred)[1]], "int32")
    mask = ops.cast(ops.not_equal(y_true, 0), "float32")
    right = ops.cast(ops.equal(ops.cast(ops.argmax(y_pred, axis=-1), "int32"), y_true), "float32")
    return ops.sum(right * mask) / ops.maximum(ops.sum(mask), 1.0)


def precision(recipe: Recipe) -> str:
    """The Keras dtype policy to train in: mixed bfloat16 when the recipe allows it, no GPU is present and the CPU has
    bfloat16 instructions (the transformer trains 1.5× faster so; docs/translate.md), else float32."""
    import tensorflow as tf

    if not recipe.bfloat16 or tf.config.list_physical_devices("GPU"):
        return "float32"
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return "float32"
    return "mixed_bfloat16" if ("avx512_bf16" in flags or "amx_bf16" in flags) else "float32"


# helpers --------------------------------------------------------------------------------------------------------
def _encode(pairs, vocabulary: Subwords) -> list[tuple[list[int], list[int]]]:
    return [(vocabulary.encode(e), vocabulary.encode(f)) for e, f in pairs]


def _arrays(pairs, vocabulary: Subwords, source_length: int, target_length: int):
    """Packed rows [source ids, padding | <s> French ids, padding] and targets [French ids, </s>, padding]."""
    start, end = vocabulary.index[START], vocabulary.index[END]
    x = np.zeros((len(pairs), source_length + target_length), np.int32)
    y = np.zeros((len(pairs), target_length), np.int32)
    for i, (source, target) in enumerate(pairs):
        x[i, : len(source)] = source
        x[i, source_length : source_length + len(target) + 1] = [start, *target]
        y[i, : len(target) + 1] = [*target, end]
    return x, y


EXPERIMENTS = [TranslateExperiment(name, recipe).experiment() for name, recipe in RECIPES.items()]
FAMILY = Family(
    name="translate", experiments=EXPERIMENTS,
    datasets=(DataSet(tatoeba.NAME, tatoeba.fetch, tatoeba.cached,
                      help="English–French pairs from Tatoeba (manythings.org, CC-BY 2.0 FR), "
                           "English up to 30 characters"),),
    help=f"translate (English → French; the {SHIPPED.split('-')[1]} candidate), translate-gru, translate-transformer; "
         "--data FILE of English<TAB>French lines (default: mlplay data fetch tatoeba-fra-eng)")
