"""Data sets `mlplay data fetch` knows: name → fetch function and where it is cached."""

from mlplay.errors import MlplayError


def _mnist():
    from mlplay.digits import mnist

    return mnist.fetch, mnist.cached


def _mobilenet():
    from mlplay.vision import pretrained

    return pretrained.fetch_mobilenet, pretrained.mobilenet_cached


def _ssdlite():
    from mlplay.vision import pretrained

    return pretrained.ssdlite_dir, pretrained.ssdlite_cached


def _shipped(name):
    def entry():
        from mlplay.vision import bundled

        return (lambda: bundled.fetch(name)), (lambda: bundled.cached(name))

    return entry


def _rps():
    from mlplay.rps import rps_data

    return rps_data.fetch, rps_data.cached


def _hands():
    from mlplay.rps import hand_fetch

    return hand_fetch.fetch, hand_fetch.cached


def _rps_synthetic():
    from mlplay.rps import rps_synthetic

    return rps_synthetic.fetch, rps_synthetic.cached


def _quickdraw():
    from mlplay.sketches import doodles, quickdraw

    def fetch(classes=None, per_class=None):
        names = quickdraw.parse_classes(classes) if classes else list(doodles.CLASSES)
        return quickdraw.fetch(names, per_class or quickdraw.DEFAULT_PER_CLASS)

    return fetch, quickdraw.cached


def _doodles():
    from mlplay.sketches import doodles

    return doodles.fetch, doodles.cached


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


DATASETS = {"mnist": _mnist, "mobilenet-quant": _shipped("mobilenet-quant"), "coco-ssd-quant": _shipped("coco-ssd-quant"),
            "mobilenet-v2": _mobilenet, "ssdlite": _ssdlite, "quickdraw": _quickdraw,
            "doodles": _doodles, "shakespeare": _shakespeare,
            "shakespeare-plays": _shakespeare_plays, "wikipedia": _wikipedia, "rps": _rps,
            "rps-synthetic": _rps_synthetic, "hands": _hands}
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
