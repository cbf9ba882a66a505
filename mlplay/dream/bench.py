"""Speed figures for digits-gen: a 10 × 10 grid (100 pictures in one call) and one frame of a latent walk, in the
LiteRT interpreter the window uses, against TensorFlow's ways of running the same generator.

`python -m mlplay.dream.bench` (also part of `make bench`). Goal: a grid in ≤ 20 ms on 2 cores.
"""

import numpy as np
from rich.table import Table

from mlplay import store
from mlplay.bench import console, goal, main, per_call_ms
from mlplay.dream.dreamer import NAME, Dreamer
from mlplay.dream.latent import onehot, vectors

GOAL_MS = 20.0


def grid_latency(name: str = NAME) -> float:
    from mlplay.console import tensorflow

    dreamer = Dreamer(name)
    rng = np.random.default_rng(0)
    z, digits = vectors(rng, 100, dreamer.latent), np.repeat(np.arange(10), 10)
    litert = per_call_ms(lambda _: dreamer.draw(z, digits), None, 200, warmup=5)
    one = vectors(rng, 1, dreamer.latent)
    walk = per_call_ms(lambda _: dreamer.draw(one, [3]), None, 2000, warmup=5)
    dreamer.draw(z, digits)  # back to the grid's batch for the next figures' comparison
    tf = tensorflow()
    model = store.open(name).keras()
    inputs = [z, onehot(digits)]
    step = tf.function(lambda a, b: model([a, b], training=False))
    compiled = per_call_ms(lambda _: step(*inputs).numpy(), None, 100)
    naive = per_call_ms(lambda _: model.predict(inputs, verbose=0), None, 20)
    table = Table("digits-gen", "median ms", "vs model.predict", title="drawing digits")
    table.add_row("10 × 10 grid: model.predict (naive)", f"{naive:.1f}", "1×")
    table.add_row("10 × 10 grid: tf.function", f"{compiled:.1f}", f"{naive / compiled:.1f}×")
    table.add_row("10 × 10 grid: LiteRT (the window's)", f"{litert:.1f}", f"{naive / litert:.1f}×")
    table.add_row("one walk frame: LiteRT", f"{walk:.3f}", "")
    console.print(table)
    console.print(f"goal grid ≤ {GOAL_MS:g} ms: {litert:.1f} ms {goal(litert <= GOAL_MS)}")
    return litert


def run() -> None:
    grid_latency()


if __name__ == "__main__":
    main(run)
