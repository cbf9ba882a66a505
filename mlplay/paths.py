"""Where models, data sets and run logs live.

In a clone (or an editable install) they sit beside the code: models/, datasets/, runs/. An installed mlplay
(`pip install .`) carries the shipped models inside the package (mlplay/shipped/, copied there by setup.py) and keeps
what it makes in the user's folders instead:

- models: `--models-dir` > `MLPLAY_MODELS` > the clone's models/ (installed: `$XDG_DATA_HOME/mlplay/models`, i.e.
  ~/.local/share/mlplay/models, with the shipped models found in the package when not there);
- data sets: `MLPLAY_DATA` > the clone's datasets/ (installed: `$XDG_CACHE_HOME/mlplay/datasets`);
- runs: `MLPLAY_RUNS` > the clone's runs/ (installed: runs/ in the current folder).
"""

import os
from pathlib import Path

from mlplay.errors import MlplayError

REPO = Path(__file__).resolve().parent.parent
CHECKOUT = (REPO / "pyproject.toml").is_file() and (REPO / "mlplay").is_dir()  # False when installed
SHIPPED = REPO / "models" if CHECKOUT else Path(__file__).resolve().parent / "shipped"  # the models mlplay comes with


def _user(env: str, default: str) -> Path:
    return Path(os.environ.get(env) or Path.home() / default) / "mlplay"


def _home(env: str, folder: str, installed: Path, override: str | os.PathLike | None = None) -> Path:
    if override:
        return Path(override)
    if os.environ.get(env):
        return Path(os.environ[env])
    return REPO / folder if CHECKOUT else installed


def check_model_name(name: str) -> str:
    """A model's name: one plain folder name under the models folder, never a path out of it."""
    if not name or "/" in name or "\\" in name or name.startswith(".") or name != name.strip():
        raise MlplayError(f"bad model name {name!r}", "use a name such as digits-cnn")
    return name


def models_dir(override: str | os.PathLike | None = None) -> Path:
    """Where models are saved, and looked for first."""
    return _home("MLPLAY_MODELS", "models", _user("XDG_DATA_HOME", ".local/share") / "models", override)


def shipped_models_dir(override: str | os.PathLike | None = None) -> Path | None:
    """Where else a model is looked for: the installed package's shipped models, when no models folder was chosen
    (`--models-dir`, `MLPLAY_MODELS`); None in a clone, whose models/ holds them already."""
    if override or os.environ.get("MLPLAY_MODELS") or CHECKOUT or not SHIPPED.is_dir():
        return None
    return SHIPPED


def datasets_dir() -> Path:
    return _home("MLPLAY_DATA", "datasets", _user("XDG_CACHE_HOME", ".cache") / "datasets")


def runs_dir() -> Path:
    return _home("MLPLAY_RUNS", "runs", Path.cwd() / "runs")


def next_run_dir(command: str, name: str = "exp") -> Path:
    """runs/<command>/<name>N: the first N not taken (exp, exp2, exp3, …), created empty; a one-line error when
    the runs folder cannot be written."""
    base = runs_dir() / command
    n = 1
    try:
        base.mkdir(parents=True, exist_ok=True)
        while True:
            folder = base / (name if n == 1 else f"{name}{n}")
            try:
                folder.mkdir()
                return folder
            except FileExistsError:
                n += 1
    except OSError as e:
        raise MlplayError(f"cannot write to {base}: {e.strerror or e}",
                          "point $MLPLAY_RUNS at a folder you can write to") from None


def history_file(name: str) -> Path | None:
    """runs/repl/<name>.history for a REPL's history, or None (history kept in memory, with a warning) when the
    runs folder cannot be written."""
    import sys

    path = runs_dir() / "repl" / f"{name}.history"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a", encoding="utf-8"):
            pass
        return path
    except OSError as e:
        print(f"Warning: history not kept ({path.parent}: {e.strerror or e})", file=sys.stderr)
        return None


def environment(models_override: str | os.PathLike | None = None) -> dict[str, str]:
    """`mlplay env`: versions, whether a window can open, and where models, data and runs live."""
    import platform
    from importlib import metadata

    from mlplay.shell.window import display_problem

    def version(package):
        try:
            return metadata.version(package)
        except metadata.PackageNotFoundError:
            return "not installed"

    problem = display_problem()
    display = f"no: {problem} (windows cannot open; the other commands work)" if problem else \
        f"yes ({os.environ.get('DISPLAY') or 'the desktop'})"
    rows = {"python": platform.python_version(), "platform": platform.platform()}
    rows.update({p: version(p) for p in ("mlplay", "tensorflow", "keras", "ai-edge-litert", "numpy", "opencv-python",
                                          "typer", "rich", "prompt_toolkit")})
    rows.update({"display": display, "models": str(models_dir(models_override))})
    shipped = shipped_models_dir(models_override)
    if shipped is not None:  # an installed mlplay: its own models, in the package
        rows["shipped models"] = str(shipped)
    rows.update({"datasets": str(datasets_dir()), "runs": str(runs_dir())})
    return rows


def portable(path: str | os.PathLike) -> str:
    """`path` as a card records it, never a path of the machine it was made on: relative to the project; under a
    home moved elsewhere with $MLPLAY_RUNS or $MLPLAY_DATA, relative to that variable; elsewhere, by its name and
    the SHA-256 of its content (`content_sha256`), which tells whether another copy is the same data."""
    path = Path(path).resolve()
    bases = ((REPO, None),) if CHECKOUT else ()
    for base, variable in (*bases, (runs_dir(), "$MLPLAY_RUNS"), (datasets_dir(), "$MLPLAY_DATA")):
        if path.is_relative_to(base.resolve()):
            relative = path.relative_to(base.resolve())
            return str(Path(variable, relative) if variable else relative)
    return f"{path.name} (outside the project; SHA-256 {content_sha256(path)[:16]})"


def display(path: str | os.PathLike) -> str:
    """A path as a person reads it in a message: relative to the project or the current folder when it is in one."""
    path = Path(path).resolve()
    for base in (REPO, Path.cwd()):
        if path.is_relative_to(base.resolve()):
            return str(path.relative_to(base.resolve()))
    return str(path)


def content_sha256(path: str | os.PathLike) -> str:
    """A file's SHA-256; for a folder, the SHA-256 of each file's relative path and content, in sorted order."""
    import hashlib

    path, digest = Path(path), hashlib.sha256()
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path] if path.is_file() else []
    for file in files:
        digest.update(str(file.relative_to(path) if path.is_dir() else file.name).encode() + b"\0")
        with open(file, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def portable_command(argv: list[str]) -> str:
    """The command line as a card records it: paths outside the project named by their last part only."""
    def named(arg: str) -> str:
        path = Path(arg)
        outside = ((path.is_absolute() or arg.startswith("..")) and path.exists()
                   and not path.resolve().is_relative_to(REPO))
        return path.name if outside else arg

    return " ".join(",".join(map(named, arg.split(","))) for arg in argv)  # --data a,b: each folder named


def from_portable(text: str) -> Path:
    """The path a card recorded with `portable`, on this machine (one outside the project does not exist here)."""
    for variable, home in (("$MLPLAY_RUNS", runs_dir), ("$MLPLAY_DATA", datasets_dir)):
        if text == variable or text.startswith(variable + "/"):
            return home() / text[len(variable) + 1:]
    return REPO / text  # a relative path is relative to the project; an absolute one stays as it is


def check_label(label: str, option: str = "--label") -> str:
    """A label used as a folder name under the data folder: one plain name that cannot point outside it."""
    bad = (not label.strip() or label.startswith(".") or label != label.strip()
           or any(c in label for c in "/\\:") or any(ord(c) < 32 for c in label))
    if bad:
        raise MlplayError(f"{option} {label!r} is not a plain name",
                          "use letters, digits, spaces, - or _, e.g. cat or 'smiley face'; no /, \\ or leading dot")
    return label
