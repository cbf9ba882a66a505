"""`mlplay data fetch NAME` and `mlplay data list`: the data sets the experiment packages declare (registry)."""

from mlplay import registry
from mlplay.errors import MlplayError

OPTIONS = ("classes", "per_class", "data")  # the fetch options the command has; each data set says which it takes


def fetch(name: str, **options) -> None:
    dataset = registry.dataset(name)
    given = {k: v for k, v in options.items() if v is not None}
    unknown = sorted(set(given) - set(dataset.options))
    if unknown:
        raise MlplayError(f"{name} takes no " + ", ".join("--" + k.replace("_", "-") for k in unknown),
                          f"its options: {', '.join('--' + o.replace('_', '-') for o in dataset.options)}"
                          if dataset.options else None)
    from mlplay.console import working

    with working(f"fetching {name}…"):
        where = dataset.fetch(**given)
    print(f"{name}: {where}")


def status() -> dict[str, str]:
    result = {}
    for name, dataset in registry.datasets().items():
        path = dataset.cached()
        result[name] = str(path) if path else f"not fetched (mlplay data fetch {name})"
    return result
