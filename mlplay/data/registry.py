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


def _shakespeare():
    from mlplay.data import corpora

    return corpora.fetch_shakespeare, lambda: corpora.cached("shakespeare")


def _wikipedia():
    from mlplay.data import corpora

    return corpora.fetch_wikipedia, lambda: corpora.cached("wikipedia")


DATASETS = {"mnist": _mnist, "mobilenet-v2": _mobilenet, "ssdlite": _ssdlite, "shakespeare": _shakespeare,
            "wikipedia": _wikipedia}
TAKES_DATA = {"wikipedia"}  # data sets built from a file the user gives (--data)


def fetch(name: str, data=None) -> None:
    if name not in DATASETS:
        raise MlplayError(f"unknown data set '{name}'", "choose one of: " + ", ".join(DATASETS))
    if data is not None and name not in TAKES_DATA:
        raise MlplayError(f"{name} does not take --data", "only: " + ", ".join(sorted(TAKES_DATA)))
    fetch_fn, _ = DATASETS[name]()
    print(f"{name}: {fetch_fn(data) if data is not None else fetch_fn()}")


def status() -> dict[str, str]:
    result = {}
    for name, entry in DATASETS.items():
        _, cached = entry()
        path = cached()
        result[name] = str(path) if path else f"not fetched (mlplay data fetch {name})"
    return result
