"""`make bench`, text: scripted generation (`mlplay write --prompt`) and 40-character ghost text, both batch 1 with
the numpy stateful step, against the naive way (Keras `model.predict` on the last 100 characters, per character).

Wall figures depend on what else the machine runs; CPU figures (time.process_time) are what the work itself costs,
so both are shown.
"""

import statistics
import subprocess
import sys
import time

import numpy as np
from rich.table import Table

GOAL_CHARS_PER_S, GOAL_GHOST_MS = 4000, 10
TYPED = "Shall I compare thee to a summer's day? Thou art more lovely and more temperate"


def _write_seconds(name: str, length: int) -> float:
    cmd = [sys.executable, "-m", "mlplay", "write", name, "--prompt", "ROMEO:", "--length", str(length),
           "--temperature", "0.8", "--seed", "1"]
    times = []
    for _ in range(3):
        t = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def scripted_chars_per_s(name: str, chars: int = 10_000) -> tuple[float, float]:
    """`mlplay write NAME --prompt ROMEO: --length N` as a user runs it: (chars/s beyond start-up, cold start s)."""
    start = _write_seconds(name, 1)
    return (chars - 1) / max(1e-9, _write_seconds(name, chars) - start), start


def ghost_ms(model, length: int = 40) -> tuple[float, float]:
    """Median (wall ms, CPU ms) to update the ghost text after one more typed character."""
    from mlplay.text.writer import Ghost

    ghost = Ghost(model, length=length)
    typed = TYPED[:20]
    ghost(typed)
    wall, cpu = [], []
    for char in TYPED[20:]:
        typed += char
        w, c = time.perf_counter(), time.process_time()
        assert len(ghost(typed)) == length
        wall.append(time.perf_counter() - w)
        cpu.append(time.process_time() - c)
    return statistics.median(wall) * 1000, statistics.median(cpu) * 1000


def in_process_chars_per_s(model, chars: int = 4000) -> tuple[float, float]:
    w, c = time.perf_counter(), time.process_time()
    text = "".join(model.generate("ROMEO:", chars, 0.8, seed=0))
    assert len(text) == chars
    return chars / (time.perf_counter() - w), chars / max(1e-9, time.process_time() - c)


def naive_chars_per_s(name: str, model, chars: int = 30) -> float:
    from mlplay import store
    from mlplay.console import tensorflow

    tensorflow()
    keras_model = store.load_keras(name)
    ids = [model.index[c] for c in "".join(model.generate("ROMEO:", 100, 0.8, seed=0))]
    rng = np.random.default_rng(0)
    t = time.perf_counter()
    for _ in range(chars):  # a fixed 100-char window: no retracing, the naive way at its best
        p = keras_model.predict(np.array([ids[-100:]]), verbose=0)[0, -1].astype(np.float64)
        ids.append(int(rng.choice(len(p), p=p / p.sum())))
    return chars / (time.perf_counter() - t)


def text_generation(console, goal, name: str = "shakespeare") -> None:
    from mlplay.text.writer import TextModel

    model = TextModel.open(name)
    scripted, start = scripted_chars_per_s(name)
    wall, cpu = in_process_chars_per_s(model)
    ghost_wall, ghost_cpu = ghost_ms(model)
    naive = naive_chars_per_s(name, model)
    table = Table("generation, batch 1", "chars/s", "vs naive", title=f"text generation ({name})")
    table.add_row("model.predict per character (naive)", f"{naive:.0f}", "1×")
    table.add_row("mlplay write --prompt … --length 10000 (numpy step)", f"{scripted:,.0f}", f"{scripted / naive:.0f}×")
    table.add_row("numpy step in process: wall / per CPU second", f"{wall:,.0f} / {cpu:,.0f}", f"{wall / naive:.0f}×")
    console.print(table)
    console.print(f"goal ≥ {GOAL_CHARS_PER_S:,} chars/s scripted: {scripted:,.0f} "
                  f"{goal(scripted >= GOAL_CHARS_PER_S)};  "
                  f"40-char ghost text after a keypress: {ghost_wall:.1f} ms ({ghost_cpu:.1f} ms CPU), "
                  f"goal ≤ {GOAL_GHOST_MS} ms {goal(ghost_wall <= GOAL_GHOST_MS)}")
    console.print(f"cold start of `mlplay write {name} --prompt … --length 1` (numpy, no TensorFlow): {start:.2f} s")


def run() -> None:
    from mlplay.bench import console, goal

    text_generation(console, goal)
