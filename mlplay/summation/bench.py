"""`make bench` figures for the summation models: one answer while typing."""

from mlplay import store
from mlplay.bench import console, per_call_ms


def summation_latency(name: str = "sum-3") -> None:
    from mlplay.summation.adder import Adder

    adder = Adder(store.open(name).file("weights.npz"), int(name[-1]), name)
    ms = per_call_ms(lambda q: adder.ask(q), "17+38" if adder.digits == 2 else "417+385", 500)
    console.print(f"{name}: one live answer (numpy encoder-decoder) {ms:.2f} ms")


def run() -> None:
    summation_latency()
