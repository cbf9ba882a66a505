"""`make bench`: speed figures against the naive way, measured in one run; each package's *_bench.py module
holds its own figures (digits, sketches, vision, text, summation, rps) and these shared helpers.
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
BENCHES = ["mlplay.digits.digits_bench", "mlplay.digits.train_speed",
           "mlplay.sketches.sketches_bench", "mlplay.vision.vision_bench",
           "mlplay.text.text_bench", "mlplay.summation.summation_bench", "mlplay.rps.rps_bench",
           "mlplay.style.bench"]


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


def goal(ok: bool) -> str:
    return "[green]met[/]" if ok else "[red]missed[/]"


def main() -> None:
    try:
        for module in BENCHES:
            importlib.import_module(module).run()
    except MlplayError as e:
        report(e)
        sys.exit(1)


if __name__ == "__main__":
    main()
