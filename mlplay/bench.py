"""`make bench`: speed figures against the naive way, measured in one run. Each experiment package's `bench.py`
holds its own figures in a `run()`; `python -m mlplay.<package>.bench` runs one package's (see `main`), and
`python -m mlplay.bench` runs them all, in the registry's order. The shared helpers below time and judge them.
"""

import importlib
import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # batch-1 numpy steps: BLAS threads only add hand-offs
import statistics
import subprocess
import sys
import time

from rich.console import Console

from mlplay.errors import MlplayError, report

console = Console()


def per_call_ms(fn, x, repeats: int, warmup: int = 3) -> float:
    for _ in range(warmup):
        fn(x)
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn(x)
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def wall_seconds(cmd: list[str], repeats: int, env: dict | None = None) -> float:
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, env=env)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def latency_table(heading: str, title: str, fast: dict, naive: dict, goal_ms: float) -> None:
    """A drawing window's answer after a stroke ends, mlplay's way against model.predict's, and its goal."""
    from rich.table import Table

    table = Table(heading, "median ms", "95th pct. ms", title=title)
    table.add_row("with model.predict (naive)", f"{naive['median_ms']:.2f}", f"{naive['p95_ms']:.2f}")
    table.add_row("mlplay (LiteRT Predictor)", f"{fast['median_ms']:.2f}", f"{fast['p95_ms']:.2f}")
    console.print(table)
    console.print(f"goal ≤ {goal_ms} ms: {fast['median_ms']:.2f} ms (95 %: {fast['p95_ms']:.2f}) "
                  f"{goal(fast['p95_ms'] <= goal_ms)} ({naive['median_ms'] / fast['median_ms']:.0f}× faster "
                  f"than with model.predict)")


def goal(ok: bool) -> str:
    return "[green]met[/]" if ok else "[red]missed[/]"


def main(*runs) -> None:
    """Run the given bench functions (default: every package's `run`), one-line errors and exit 1 on failure.
    Every bench module ends with `if __name__ == "__main__": main(run)`."""
    from mlplay import registry

    try:
        for run in runs or [importlib.import_module(m).run for m in registry.bench_modules()]:
            run()
    except MlplayError as e:
        report(e)
        sys.exit(1)


if __name__ == "__main__":
    main()
