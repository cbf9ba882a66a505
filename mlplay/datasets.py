"""Data sets `mlplay data fetch` knows: name → fetch function and where it is cached."""

import importlib

from mlplay.errors import MlplayError


def _module(module: str, fetch: str, cached: str):
    """A data set whose module has a plain fetch and cached function: imported only when asked for."""

    def entry():
        loaded = importlib.import_module(module)
        return getattr(loaded, fetch), getattr(loaded, cached)

    return entry


def _shipped(name):
    def entry():
        from mlplay.vision import bundled

        return (lambda: bundled.fetch(name)), (lambda: bundled.cached(name))

    return entry


def _quickdraw():
    from mlplay.sketches import doodles, quickdraw

    def fetch(classes=None, per_class=None):
        names = quickdraw.parse_classes(classes) if classes else list(doodles.CLASSES)
        return quickdraw.fetch(names, per_class or quickdraw.DEFAULT_PER_CLASS)

    return fetch, quickdraw.cached


def _shakespeare():
    from mlplay.text import corpora

    return corpora.fetch_shakespeare, lambda: corpora.cached("shakespeare")


def _shakespeare_plays():
    from mlplay.text import corpora, plays

    return plays.fetch, lambda: corpora.cached(plays.NAME)


def _wikipedia():
    from mlplay.text import corpora

    def fetch(data=None):
        return corpora.fetch_wikipedia(data)

    return fetch, lambda: corpora.cached("wikipedia")


DATASETS = {
    "mnist": _module("mlplay.digits.mnist", "fetch", "cached"),
    "mobilenet-quant": _shipped("mobilenet-quant"),
    "coco-ssd-quant": _shipped("coco-ssd-quant"),
    "mobilenet-v2": _module("mlplay.vision.backbone", "fetch", "cached"),
    "ssdlite": _module("mlplay.vision.pretrained", "ssdlite_dir", "ssdlite_cached"),
    "quickdraw": _quickdraw,
    "doodles": _module("mlplay.sketches.doodles", "fetch", "cached"),
    "shakespeare": _shakespeare,
    "shakespeare-plays": _shakespeare_plays,
    "wikipedia": _wikipedia,
    "rps": _module("mlplay.rps.rps_data", "fetch", "cached"),
    "rps-synthetic": _module("mlplay.rps.rps_synthetic", "fetch", "cached"),
    "hands": _module("mlplay.rps.hand_fetch", "fetch", "cached"),
}
OPTIONS = {"quickdraw": ("classes", "per_class"), "wikipedia": ("data",), "shakespeare": ("data",)}  # data sets whose fetch takes options


def fetch(name: str, **options) -> None:
    if name not in DATASETS:
        raise MlplayError(f"unknown data set '{name}'", "choose one of: " + ", ".join(DATASETS))
    given = {k: v for k, v in options.items() if v is not None}
    unknown = sorted(set(given) - set(OPTIONS.get(name, ())))
    if unknown:
        raise MlplayError(f"{name} takes no " + ", ".join("--" + k.replace("_", "-") for k in unknown))
    fetch_fn, _ = DATASETS[name]()
    print(f"{name}: {fetch_fn(**given)}")


def status() -> dict[str, str]:
    result = {}
    for name, entry in DATASETS.items():
        _, cached = entry()
        path = cached()
        result[name] = str(path) if path else f"not fetched (mlplay data fetch {name})"
    return result
