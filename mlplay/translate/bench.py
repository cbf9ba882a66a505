"""Speed of `mlplay translate`: the live toolbar a keystroke, greedy and beam-4 sentences, and the cold start,
against the naive way (the Keras model run on the whole prefix for every new French piece).

`python -m mlplay.translate.bench`. Wall figures depend on what else the machine runs; CPU
figures (time.process_time) are what the work itself costs, so both are shown.
"""

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as `mlplay translate` runs: batch-1 products
import statistics
import sys
import time

import numpy as np

GOAL_KEYSTROKE_MS = 30
TYPED = ["Where is the station?", "I am hungry.", "Tom wants to go home now.", "Do you like to swim?",
         "We have to leave early tomorrow.", "It's too cold outside."]


def keystroke_ms(engine) -> tuple[list[float], list[float]]:
    """Wall and CPU ms to refresh the toolbar after each key, typing each sentence of TYPED letter by letter."""
    from mlplay.translate.app import Session

    session = Session(engine)
    wall, cpu = [], []
    for sentence in TYPED:
        for n in range(1, len(sentence) + 1):
            w, c = time.perf_counter(), time.process_time()
            session.live(sentence[:n])
            wall.append((time.perf_counter() - w) * 1000)
            cpu.append((time.process_time() - c) * 1000)
    return wall, cpu


def sentence_ms(engine, beam: int) -> float:
    """Median wall ms to translate each sentence of TYPED from scratch (the engine's memory of recent sentences,
    which the keystroke figures rightly use, is emptied first: otherwise this would time a dictionary look-up)."""
    times = []
    for sentence in TYPED:
        engine._recent.clear()
        t = time.perf_counter()
        engine.translate(sentence, beam)
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def keras_model(folder):
    """The Keras network rebuilt from a model folder's files (network.json, float16 weights by path)."""
    import json

    from mlplay.console import tensorflow
    from mlplay.translate import layers, translator

    tensorflow()
    network = json.loads((folder / translator.NETWORK_FILE).read_text())
    if network["kind"] == "gru_attention":
        model = layers.gru_attention(network["vocabulary"], network["source_length"], network["embed"],
                                     network["units"], network["dropout"])
    else:
        model = layers.transformer(network["vocabulary"], network["source_length"], network["dim"], network["heads"],
                                   network["hidden"], network["layers"], network["dropout"], network["positions"])
    with np.load(folder / translator.WEIGHTS_FILE) as z:
        for v in model.weights:
            v.assign(z[v.path].astype(np.float32))
    return model, network["source_length"]


def naive_sentence_ms(engine, folder) -> float:
    """Greedy translation with the Keras model called on the source and the whole French prefix for every piece."""
    import tensorflow as tf

    model, source_length = keras_model(folder)
    step = tf.function(lambda x: model(x, training=False), reduce_retracing=True)
    times = []
    for sentence in TYPED:
        source = engine.subwords.encode(sentence)[:source_length]
        out = [engine.start]
        t = time.perf_counter()
        for _ in range(2 * len(source) + 10):
            packed = np.zeros((1, source_length + len(out)), np.int32)
            packed[0, : len(source)] = source
            packed[0, source_length:] = out
            logits = step(tf.constant(packed)).numpy()[0, -1]
            logits[engine.banned] = -np.inf
            out.append(int(np.argmax(logits)))
            if out[-1] == engine.end:
                break
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def cold_start_s(model: str) -> float:
    from mlplay.bench import wall_seconds

    return wall_seconds([sys.executable, "-m", "mlplay", "translate", "--model", model, "--text", "I am hungry."], 3)


def run(model: str = "translate") -> None:
    from rich.table import Table

    from mlplay import store
    from mlplay.bench import console, goal
    from mlplay.translate.translator import load

    engine = load(model)
    wall, cpu = keystroke_ms(engine)
    greedy, beam = sentence_ms(engine, 1), sentence_ms(engine, 4)
    naive = naive_sentence_ms(engine, store.model_path(model))
    table = Table("translation, one sentence (median of 6)", "ms", "vs naive", title=f"translation ({model})")
    table.add_row("Keras model on the whole prefix per piece, greedy (naive)", f"{naive:.1f}", "1×")
    table.add_row("numpy, one step a piece, greedy", f"{greedy:.1f}", f"{naive / greedy:.0f}×")
    table.add_row("numpy, beam of 4", f"{beam:.1f}", f"{naive / beam:.1f}×")
    console.print(table)
    p95 = float(np.percentile(wall, 95))
    console.print(f"live toolbar a keystroke ({len(wall)} keys typed): median {statistics.median(wall):.1f} ms, "
                  f"95th percentile {p95:.1f} ms, worst {max(wall):.1f} ms wall ({statistics.median(cpu):.1f} ms CPU); "
                  f"goal ≤ {GOAL_KEYSTROKE_MS} ms {goal(p95 <= GOAL_KEYSTROKE_MS)}")
    console.print(f"cold start of `mlplay translate --text …` (numpy, no TensorFlow): {cold_start_s(model):.2f} s")


if __name__ == "__main__":
    from mlplay.bench import main

    main(run)
