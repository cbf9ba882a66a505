"""`make bench`, text: what the Shakespeare writer costs at run time, batch 1 with the numpy stateful step, as a user
runs it: scripted generation (`mlplay write --prompt … --length 10000`) and the 40-character ghost text renewed after
a keypress, against the naive way (Keras `model.predict` on the last 100 characters, once a character).

The same figures are measured for the other shapes compared (`COMPARED`: the single GRU of 512 units and the two
two-layer candidates of issue 27, those not shipped) on a random model of each shape: a step costs the same whatever
the weights' values.

`python -m mlplay.text.bench` prints them. `python -m mlplay.text.bench --weights FILE --vocabulary FILE` prints one
model's in-process figures as JSON: what a text model's card records under `generation` when it is trained.

Wall figures depend on what else the machine runs; CPU figures (time.process_time) are what the work itself costs,
so both are shown.
"""

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # before numpy loads, as `mlplay write` does: batch-1 steps
import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

GOAL_CHARS_PER_S, GOAL_GHOST_MS = 2500, 10
COMPARED = ("gru512", "gru512x2", "gru640x2")  # CANDIDATES names: the 512 of issue 20, the two-layer ones of issue 27
TYPED = "Shall I compare thee to a summer's day? Thou art more lovely and more temperate"


def numpy_speed(model, chars: int = 4000, ghost: int = 40) -> dict:
    """In process: characters a second writing after 'ROMEO:' at temperature 0.8 (wall and per CPU second), and
    the median milliseconds to renew a `ghost`-character greedy ghost text after each typed character of TYPED."""
    from mlplay.text.writer import Ghost

    wall, cpu = time.perf_counter(), time.process_time()
    assert len("".join(model.generate("ROMEO:", chars, 0.8, seed=0))) == chars
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    pending = Ghost(model, length=ghost)
    typed = TYPED[:20]
    pending(typed)
    walls, cpus = [], []
    for char in TYPED[20:]:
        typed += char
        w, c = time.perf_counter(), time.process_time()
        assert len(pending(typed)) == ghost
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    return {"chars_per_s": round(chars / wall), "chars_per_cpu_s": round(chars / max(cpu, 1e-9)),
            "ghost_ms": round(statistics.median(walls) * 1000, 2),
            "ghost_cpu_ms": round(statistics.median(cpus) * 1000, 2),
            "how": f"in process, one numpy step a character, one BLAS thread: {chars:,} characters after 'ROMEO:' at "
                   f"temperature 0.8; a {ghost}-character greedy ghost text renewed after each of {len(walls)} typed "
                   "characters (median)",
            "cpus": os.cpu_count()}


def scripted_chars_per_s(name: str, root: Path | None, chars: int = 10_000) -> tuple[float, float]:
    """`mlplay write --model NAME --prompt ROMEO: --length N` as a user runs it: (chars/s beyond start-up, cold
    start s)."""
    from mlplay.bench import wall_seconds

    def seconds(length: int) -> float:
        return wall_seconds([sys.executable, "-m", "mlplay", "write", "--model", name, "--prompt", "ROMEO:", "--length",
                             str(length), "--temperature", "0.8", "--seed", "1",
                             *(["--models-dir", str(root)] if root else [])], 3)

    start = seconds(1)
    return (chars - 1) / max(1e-9, seconds(chars) - start), start


def naive_chars_per_s(keras_model, model, chars: int = 30) -> float:
    ids = [model.index[c] for c in "".join(model.generate("ROMEO:", 100, 0.8, seed=0))]
    rng = np.random.default_rng(0)
    t = time.perf_counter()
    for _ in range(chars):  # a fixed 100-char window: no retracing, the naive way at its best
        p = keras_model.predict(np.array([ids[-100:]]), verbose=0)[0, -1].astype(np.float64)
        ids.append(int(rng.choice(len(p), p=p / p.sum())))
    return chars / (time.perf_counter() - t)


def random_model(root: Path, name: str, size, vocab: list[str], seed: int = 0) -> Path:
    """A text model of `size`'s shape with random weights, saved as a model folder (weights.npz and a card)."""
    from mlplay import gru

    rng = np.random.default_rng(seed)
    u, v = size.units, len(vocab)

    def normal(*shape):
        return rng.normal(0, 0.1, shape).astype(np.float32)

    arrays = {"embed/0": normal(v, size.embed), "next_char/0": normal(u, v), "next_char/1": normal(v)}
    for i in range(1, size.layers + 1):
        layer = "gru" if i == 1 else f"gru_{i}"
        arrays.update({f"{layer}/0": normal(size.embed if i == 1 else u, 3 * u), f"{layer}/1": normal(u, 3 * u),
                       f"{layer}/2": normal(2, 3 * u)})
    folder = root / name
    folder.mkdir(parents=True)
    np.savez(folder / gru.WEIGHTS_FILE, **arrays)
    card = {"name": name, "family": "text", "task": "character-level text generation", "vocabulary": vocab,
            "headline": "test_bits_per_char", "metrics": {}, "data": {"source": "random weights (bench)"}}
    (folder / "card.json").write_text(json.dumps(card))
    return folder


def text_generation(console, goal) -> None:
    from rich.table import Table

    from mlplay import store
    from mlplay.text import models
    from mlplay.text.writer import TextModel

    shipped = store.open("shakespeare")
    shape = models.size_name(shipped.card.raw)
    model = TextModel.open("shakespeare")
    naive = naive_chars_per_s(models.load_keras(shipped), model)
    table = Table("model", "writing, scripted", "writing, in process: wall / per CPU s", "vs naive",
                  "ghost text after a keypress: wall / CPU", title="text generation, batch 1 (chars/s, ms)")
    table.add_row(f"shakespeare ({shape}): model.predict per character (naive)", f"{naive:.0f}", "", "1×", "")
    with tempfile.TemporaryDirectory() as tmp:
        rows = [(f"shakespeare ({shape})", "shakespeare", None, model)]
        for other in (c for c in COMPARED if c != shape):
            random_model(Path(tmp), f"random-{other}", models.CANDIDATES[other], model.vocab)
            rows.append((f"random weights, shape {other}", f"random-{other}", Path(tmp),
                         TextModel.open(f"random-{other}", Path(tmp))))
        cold = {}
        for label, name, root, runtime in rows:
            scripted, cold[name] = scripted_chars_per_s(name, root)
            speed = numpy_speed(runtime)
            table.add_row(label, f"{scripted:,.0f} {goal(scripted >= GOAL_CHARS_PER_S)}",
                          f"{speed['chars_per_s']:,} / {speed['chars_per_cpu_s']:,}", f"{scripted / naive:.0f}×",
                          f"{speed['ghost_ms']:.1f} / {speed['ghost_cpu_ms']:.1f} "
                          f"{goal(speed['ghost_ms'] <= GOAL_GHOST_MS)}")
    console.print(table)
    console.print(f"goals: ≥ {GOAL_CHARS_PER_S:,} chars/s scripted (`mlplay write --prompt … --length 10000`, "
                  f"beyond start-up), ≤ {GOAL_GHOST_MS} ms for a 40-character ghost text; cold start of "
                  "`mlplay write shakespeare --prompt … --length 1` (numpy, no TensorFlow): "
                  f"{cold['shakespeare']:.2f} s")


def run() -> None:
    from mlplay.bench import console, goal

    text_generation(console, goal)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description="The text writer's speed (make bench), or one model's as JSON.")
    parser.add_argument("--weights", type=Path, help="a text model's weights.npz: print its in-process figures as JSON")
    parser.add_argument("--vocabulary", type=Path, help="with --weights: a JSON list of its characters")
    args = parser.parse_args(argv)
    if args.weights is None:
        from mlplay.bench import main as bench

        bench(run)
        return
    from mlplay.text.writer import TextModel

    vocab = json.loads(args.vocabulary.read_text(encoding="utf-8"))
    print(json.dumps(numpy_speed(TextModel(args.weights, vocab))))


if __name__ == "__main__":
    main()
