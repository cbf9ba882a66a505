"""Summation RNN: `a+b` → the sum, read as characters by a GRU encoder-decoder (sum-2, sum-3).

Generated data: the test questions are unordered pairs never seen in training (see mlplay.summation).
The headline is the exact match of the whole answer; per-character accuracy is reported beside it.
"""

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from mlplay import gru
from mlplay.errors import MlplayError
from mlplay.experiment import Dataset, Experiment, Family, TrainOption, Try
from mlplay.summation import adder


@dataclass(frozen=True)
class SumConfig:
    test_pairs: int  # unordered pairs held out for the test
    train_pairs: int | None  # unordered training pairs (validation is a tenth of them); None: all the rest
    units: int = 128  # GRU units of the encoder and the decoder
    epochs: int = 10


CONFIG = {2: SumConfig(test_pairs=500, train_pairs=None, units=128, epochs=120),
          3: SumConfig(test_pairs=5000, train_pairs=150_000, units=192, epochs=10)}
QUICK = SumConfig(test_pairs=100, train_pairs=600)


def load_data(digits: int, quick: bool, seed: int = 0, val_fraction: float = 0.1) -> Dataset:
    """Three disjoint sets of unordered pairs: test, validation (a tenth of the rest) and training; each pair is
    asked in both orders, so neither 17+38 nor 38+17 of a held-out pair is ever trained on."""
    sizes = QUICK if quick else CONFIG[digits]
    test_pairs, rest = adder.unordered_pairs(digits, sizes.test_pairs, sizes.train_pairs, seed)
    n_val = max(1, round(len(rest) * val_fraction))
    val_pairs, train_pairs = rest[:n_val], rest[n_val:]  # `rest` is already in a seeded random order
    x_test, y_test = adder.arrays(adder.both_orders(test_pairs), digits)
    x_val, y_val = adder.arrays(adder.both_orders(val_pairs), digits)
    x_train, y_train = adder.arrays(adder.both_orders(train_pairs), digits)
    meta = {"generated": True, "digits": digits,
            "questions": f"a+b with 0 ≤ a, b < {10**digits}; train, validation and test disjoint as unordered pairs "
                         f"({len(train_pairs)} training, {len(val_pairs)} validation, {len(test_pairs)} test pairs, "
                         f"both orders of each)"}
    return Dataset(x_train, y_train, x_test, y_test, f"generated additions ({digits} digits, seed {seed})", meta=meta,
                   x_val=x_val, y_val=y_val)


def build(digits: int):
    import keras
    from keras import layers

    units = CONFIG[digits].units
    inputs = keras.Input((adder.question_length(digits),), dtype="int32", name="question")
    x = layers.Embedding(len(adder.VOCAB), 16, name="embed")(inputs)
    x = layers.GRU(units, name="encoder")(x)
    x = layers.RepeatVector(adder.answer_length(digits), name="repeat")(x)
    x = layers.GRU(units, return_sequences=True, name="decoder")(x)
    outputs = layers.Dense(len(adder.ANSWER), activation="softmax", name="answer")(x)
    return keras.Model(inputs, outputs, name=f"sum_{digits}_gru")


def report(model, data: Dataset) -> dict:
    """Exact match and per-character accuracy on the test questions (one batched pass), and the same questions
    typed as a person types them, through the REPL's parser and the numpy model it runs."""
    predicted = model.predict(data.x_test, batch_size=1024, verbose=0).argmax(axis=-1)
    typed = typed_questions(data.x_test)
    return {"metrics": {"test_exact_match": round(adder.exact_match(predicted, data.y_test), 6),
                        "test_char_accuracy": round(adder.char_accuracy(predicted, data.y_test), 6),
                        "test_wrong_answers": int(np.sum(~np.all(predicted == data.y_test, axis=-1))),
                        "typed_exact_match": round(typed_exact_match(model, typed, data.meta["digits"]), 6)},
            "typed": {"questions": len(typed), "examples": typed[:4],
                      "how": "the test questions written as typed (no zero padding, spaces around +, some "
                             "around the line), each read by the REPL's parser and answered by the numpy model "
                             "it loads from weights.npz"}}


def typed_questions(x_test: np.ndarray, seed: int = 0) -> list[str]:
    """Encoded test questions back as text a person would type: '7 + 38', '  17+38', '17 +38 '."""
    rng = np.random.default_rng(seed)
    spaces = ["", " ", "  "]
    out = []
    for ids in x_test:
        a, b = "".join(adder.VOCAB[i] for i in ids)[::-1].split("+")
        pad = [spaces[i] for i in rng.integers(0, 3, 4)]
        out.append(f"{pad[0]}{int(a)}{pad[1]}+{pad[2]}{int(b)}{pad[3]}")
    return out


def typed_exact_match(model, questions: list[str], digits: int) -> float:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / f"sum-{digits}"
        folder.mkdir()
        export(model, folder)
        answer = adder.Adder(folder / gru.WEIGHTS_FILE, digits).ask
        return float(np.mean([answer(q).correct for q in questions]))


def export(model, folder: Path) -> None:
    gru.export(model, folder / gru.WEIGHTS_FILE)


def experiment(digits: int) -> Experiment:
    q, a = adder.question_length(digits), adder.answer_length(digits)
    return Experiment(
        name=f"sum-{digits}",
        task="sequence-to-sequence",
        summary=f"GRU{CONFIG[digits].units} encoder → repeat ×{a} → GRU{CONFIG[digits].units} decoder → 10-way "
                "softmax per digit",
        labels=list(adder.ANSWER),
        input_shape=(q,),
        preprocessing=f"'a+b' with both operands zero-padded to {digits} digits, reversed, as ids of "
                      f"{adder.VOCAB!r}; answer: the sum zero-padded to {a} digits",
        build=lambda: build(digits),
        load_data=lambda path, quick: load_data(digits, quick),
        epochs=CONFIG[digits].epochs,
        batch_size=128,
        learning_rate=3e-3,
        patience=1000,  # the cosine schedule ends training; the best validation loss is kept
        monitor="val_loss",
        headline="test_exact_match",
        report=report,
        export=export,
        litert=False,  # it runs in numpy from weights.npz
        tries=(Try(("sum", "--model", "{name}", "--models-dir", "{models}"), "12+34\n"),),
        generated=True,
    )


EXPERIMENTS = [experiment(d) for d in adder.DIGITS]
def resolve(exp: Experiment, request) -> tuple[Experiment, Path | None]:
    if request.options.get("digits") is not None and request.name != "sum":
        raise MlplayError(f"--digits is for mlplay train sum, not {request.name}", "e.g. mlplay train sum --digits 3")
    return exp, request.data


FAMILY = Family(name="summation", experiments=EXPERIMENTS, resolve=resolve,
                aliases={"sum": lambda request: experiment(int(request.options.get("digits") or 2))},
                options=(TrainOption("--digits", "sum: operand digits, 2 or 3 (trains sum-2 or sum-3).",
                                     choices=tuple(str(d) for d in adder.DIGITS), metavar="N"),),
                help="sum --digits 2|3 (sum-2, sum-3)")
