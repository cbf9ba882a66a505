"""Atomic writes: a reader (or a crash) never sees a half-written file or folder.

Temporary names carry the writer's process id (`.<name>.<pid>.<random>.tmp…`), so `remove_leftovers` can tell
what a killed process left behind from what a running one is still writing.
"""

import json
import os
import re
import shutil
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

LEFTOVER = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)\.(?P<kind>[^.]+)\.tmp(\.[\w.]+)?$")
OLD_UNSTAMPED = 3600  # seconds: temporary files without a process id (older versions) are removed after this


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _prefix(path: Path) -> str:
    return f".{path.name}.{os.getpid()}."


@contextmanager
def atomic_path(path: Path, suffix: str = ""):
    """Yield a temporary path next to `path` (ending in `suffix`, for writers that check it); on success rename
    it over `path`."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=_prefix(path), suffix=".tmp" + suffix)
    os.close(fd)
    tmp = Path(tmp)
    os.chmod(tmp, 0o666 & ~_umask())
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_json(path: Path, obj) -> None:
    with atomic_path(path) as tmp:
        tmp.write_text(json.dumps(obj, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


@contextmanager
def atomic_dir(path: Path):
    """Yield a temporary folder; on success it replaces `path` (two renames, old copy removed)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=path.parent, prefix=_prefix(path), suffix=".tmp"))
    os.chmod(tmp, 0o777 & ~_umask())
    try:
        yield tmp
        old = None
        if path.exists():
            old = path.with_name(f"{_prefix(path)}old.tmp")
            shutil.rmtree(old, ignore_errors=True)
            os.replace(path, old)
        os.replace(tmp, path)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def remove_leftovers(folder: Path) -> list[Path]:
    """Remove the temporary files and folders that killed writers left in `folder`; return what was removed.

    A folder's previous copy that a writer killed between its two renames had moved aside is put back."""
    folder, removed = Path(folder), []
    if not folder.is_dir():
        return removed
    for entry in folder.iterdir():
        match = LEFTOVER.match(entry.name)
        if match:
            if _alive(int(match["pid"])):
                continue
            if match["kind"] == "old" and not (folder / match["name"]).exists():
                os.replace(entry, folder / match["name"])
                continue
        elif not (entry.name.startswith(".") and ".tmp" in entry.name
                  and time.time() - entry.lstat().st_mtime > OLD_UNSTAMPED):
            continue
        shutil.rmtree(entry, ignore_errors=True) if entry.is_dir() else entry.unlink(missing_ok=True)
        removed.append(entry)
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True


def read_text(path: Path, error=None) -> str:
    """A UTF-8 text file's content, or a one-line error (`error`, an MlplayError class) saying why it cannot be read."""
    from mlplay.errors import MlplayError

    error = error or MlplayError
    try:
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error(f"{path} is missing") from None
    except UnicodeDecodeError:
        raise error(f"{path} is not UTF-8 text") from None
    except OSError as e:
        raise error(f"cannot read {path}: {e.strerror}") from None
