"""`make bench` figures for the sketch models: render + one prediction while drawing."""

import numpy as np
from rich.table import Table

from mlplay import store
from mlplay.bench import console, goal, per_call_ms


def sketch_latency(name: str = "sketch-cnn") -> None:
    """One guess in the sketch window: render the strokes as QuickDraw does, then predict."""
    from mlplay.sketches import doodles
    from mlplay.sketches.sketch_render import render
    from mlplay.runtime import Predictor

    store.load_card(name)
    strokes = [np.round(s).astype(int) for s in doodles.strokes_for("smiley face", np.random.default_rng(0))]
    prepare = per_call_ms(render, strokes, 300)
    x = render(strokes)[..., None].astype(np.float32)
    fast = per_call_ms(Predictor(name), x, 2000)
    model = store.load_keras(name)
    naive = per_call_ms(lambda v: model.predict(v[None], verbose=0), x, 30)
    table = Table(f"one guess, {name}", "median ms", title="sketch window latency")
    table.add_row(f"render {sum(len(s) for s in strokes)} points → 28×28", f"{prepare:.3f}")
    table.add_row("render + model.predict (naive)", f"{prepare + naive:.2f}")
    table.add_row("render + mlplay Predictor", f"{prepare + fast:.3f}")
    console.print(table)
    total = prepare + fast
    console.print(f"goal ≤ 2 ms a guess (live while drawing): {total:.2f} ms {goal(total <= 2)} "
                  f"({(prepare + naive) / total:.0f}× faster than with model.predict)")


def run() -> None:
    sketch_latency()
