"""Data sets `mlplay data fetch` knows: name → fetch function and where it is cached."""

from mlplay.errors import MlplayError


def _mnist():
    from mlplay.data import mnist

    return mnist.fetch, mnist.cached


def _mobilenet():
    from mlplay.data import pretrained

    return pretrained.fetch_mobilenet, pretrained.mobilenet_cached


def _ssdlite():
    from mlplay.data import pretrained

    return pretrained.ssdlite_dir, pretrained.ssdlite_cached


def _rps():
    from mlplay.data import rps

    return rps.fetch, rps.cached


def _rps_synthetic():
    from mlplay.data import rps_synthetic

    return rps_synthetic.fetch, rps_synthetic.cached


DATASETS = {"mnist": _mnist, "mobilenet-v2": _mobilenet, "ssdlite": _ssdlite, "rps": _rps,
            "rps-synthetic": _rps_synthetic}


def fetch(name: str) -> None:
    if name not in DATASETS:
        raise MlplayError(f"unknown data set '{name}'", "choose one of: " + ", ".join(DATASETS))
    fetch_fn, _ = DATASETS[name]()
    print(f"{name}: {fetch_fn()}")


def status() -> dict[str, str]:
    result = {}
    for name, entry in DATASETS.items():
        _, cached = entry()
        path = cached()
        result[name] = str(path) if path else f"not fetched (mlplay data fetch {name})"
    return result
