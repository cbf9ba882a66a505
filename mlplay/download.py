"""Download a URL to a file, verifying its SHA-256, writing atomically."""

import hashlib
import sys
from dataclasses import dataclass
from pathlib import Path

from mlplay.fileio import atomic_path


@dataclass(frozen=True)
class Source:
    """A file on the web: where it is, what it must hash to, what to call it in messages."""

    url: str
    sha256: str | None
    label: str


class DownloadError(Exception):
    """The source could not be reached or did not match its checksum."""


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def download(source: Source, dest: Path, timeout: float = 20.0) -> Path:
    """Fetch `source` to `dest` (skipped if `dest` already has the right checksum)."""
    import urllib.error  # here, not at the top: commands that only check a file's SHA-256 start faster
    import urllib.request

    dest = Path(dest)
    if dest.exists() and source.sha256 and sha256_file(dest) == source.sha256:
        return dest
    try:
        with urllib.request.urlopen(source.url, timeout=timeout) as response, atomic_path(dest) as tmp:
            total = int(response.headers.get("Content-Length") or 0)
            digest = hashlib.sha256()
            with open(tmp, "wb") as out, _progress(source.label, total) as advance:
                for block in iter(lambda: response.read(1 << 16), b""):
                    out.write(block)
                    digest.update(block)
                    advance(len(block))
            if source.sha256 and digest.hexdigest() != source.sha256:
                raise DownloadError(f"{source.label}: checksum mismatch (got {digest.hexdigest()[:12]}…)")
    except (urllib.error.URLError, OSError, ValueError) as e:
        reason = getattr(e, "reason", None) or e
        raise DownloadError(f"{source.label}: {reason}") from None
    return dest


def download_first(sources, folder: Path, what: str, hint: str, log=print) -> tuple[Source, Path]:
    """Try each source in turn; return the first that downloads, with its file in `folder`.

    Raises MlplayError naming every failure when none answers (the user's one-line offline message).
    """
    from mlplay.errors import MlplayError

    failures = []
    for source in sources:
        try:
            return source, download(source, Path(folder) / f"download-{Path(source.url).name}")
        except DownloadError as e:
            failures.append(str(e))
            log(f"unreachable: {e}")
    raise MlplayError(f"could not download {what}: " + "; ".join(failures), hint)


class _progress:
    """A rich progress bar on a terminal, silence otherwise."""

    def __init__(self, label: str, total: int):
        self.label, self.total, self.bar = label, total, None

    def __enter__(self):
        if sys.stderr.isatty():
            from rich.progress import Progress

            self.bar = Progress(transient=True)
            self.bar.start()
            self.task = self.bar.add_task(f"download {self.label}", total=self.total or None)
            return lambda n: self.bar.advance(self.task, n)
        return lambda n: None

    def __exit__(self, *exc):
        if self.bar:
            self.bar.stop()
