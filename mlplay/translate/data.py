"""English–French sentence pairs from Tatoeba: fetching, reading, cleaning and splitting them.

The pairs are those manythings.org publishes from Tatoeba (CC-BY 2.0 FR): one pair a line, English, a tab,
French (and, in manythings' own files, a third column of attribution, ignored here). An English sentence often
has several French translations, one line each.

Splits are made by English sentence, never by line: a sentence's *key* (lower case, words only, so "Run!" and
"Run." share one) is hashed, and the hash alone puts it in train, validation or test. Every translation of a
validation or test sentence therefore stays out of training, and fetching a longer file never moves a held-out
sentence into training.
"""

import hashlib
import io
import os
import re
import unicodedata
import urllib.error
import urllib.request
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from mlplay.download import sha256_file
from mlplay.errors import MlplayError
from mlplay.fileio import atomic_path, write_json
from mlplay.paths import datasets_dir, from_portable

NAME = "tatoeba-fra-eng"
URL = "https://www.manythings.org/anki/fra-eng.zip"  # the official Anki export of Tatoeba's pairs
MEMBER = "fra.txt"
LICENCE = "CC-BY 2.0 FR, Tatoeba contributors (tatoeba.org), as distributed by manythings.org"
MAX_ENGLISH_CHARS = 30  # what the fetch keeps: the short everyday sentences the shipped model learned
OFFLINE_HINT = ("check your internet connection, or train on a copy of the pairs: "
                "mlplay train translate --data fra-eng.tsv (English<TAB>French a line)")
TEST_SHARE, VALIDATION_SHARE = 5, 5  # per cent of English sentences (by hash)


# Cleaning ---------------------------------------------------------------------------------------------------
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009\u2007]+")
_SAME = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u201c": '"', "\u201d": '"',
                       "\u2010": "-", "\u2011": "-", "\u2013": "-", "\u2014": "-"})


def normalize(text: str) -> str:
    """One spelling for what looks the same: Unicode NFC, typographic apostrophes, quotes and dashes made plain,
    every kind of space (French non-breaking spaces before ! ? included) one plain space."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text).translate(_SAME)).strip()


QUESTION_STARTS = frozenset(
    "what how why who whom whose where when which what's who's where's how's when's why's is are am was were do does "
    "did can could will would shall should may might must have has had isn't aren't wasn't weren't don't doesn't "
    "didn't can't couldn't won't wouldn't shouldn't haven't hasn't hadn't".split())  # words that open a question


def as_written(sentence: str) -> str:
    """An English sentence as typed ("i'm hungry") written as the model's sentences were ("I'm hungry."): a capital
    first letter, "I" in capitals, and a final full stop, or a question mark when its first word opens a question
    ("where is it" → "Where is it?"). Every training sentence is written so, and the subwords tell cases apart; a
    sentence without its final mark was read as an unfinished one ("who died" → "Qui est mort qui est mort.")."""
    sentence = re.sub(r"\bi\b", "I", sentence.strip())
    first = sentence.split(" ", 1)[0]
    if first.islower() and first[:1].isalpha():
        sentence = sentence[:1].upper() + sentence[1:]
    if sentence and not re.search(r"[.?!…][\"')\]]*$", sentence):
        sentence += "?" if first.lower().rstrip(",") in QUESTION_STARTS else "."
    return sentence


def key(english: str) -> str:
    """What decides a sentence's split: its words in lower case ("Run!" and "run." are one sentence)."""
    return " ".join(re.findall(r"[^\W_]+", english.lower()))


def split_of(english: str) -> str:
    """train, validation or test, from the SHA-256 of the sentence's key alone."""
    bucket = int(hashlib.sha256(key(english).encode("utf-8")).hexdigest()[:8], 16) % 100
    if bucket < TEST_SHARE:
        return "test"
    return "validation" if bucket < TEST_SHARE + VALIDATION_SHARE else "train"


# Reading ----------------------------------------------------------------------------------------------------
@dataclass
class Pairs:
    """The pairs of a file, cleaned, and what was left out of it."""

    pairs: list[tuple[str, str]]
    path: Path
    sha256: str
    skipped: int = 0  # lines without an English and a French side


def read_pairs(path: Path) -> Pairs:
    """Every `English<TAB>French[<TAB>…]` line of a UTF-8 file, cleaned; other lines are counted, not kept."""
    path = Path(path)
    if not path.is_file():
        raise MlplayError(f"no such file: {path}", "give a file of English<TAB>French lines")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise MlplayError(f"{path} is not UTF-8 text (byte {e.start})") from None
    except OSError as e:
        raise MlplayError(f"cannot read {path}: {e.strerror}") from None
    pairs, skipped = [], 0
    for line in text.splitlines():
        parts = line.split("\t")
        english, french = (normalize(parts[0]), normalize(parts[1])) if len(parts) >= 2 else ("", "")
        if english and french:
            pairs.append((english, french))
        elif line.strip():
            skipped += 1
    if len(pairs) < 20:
        raise MlplayError(f"{path} holds {len(pairs)} English<TAB>French pairs: too few to learn from",
                          "give a file of English<TAB>French lines, such as manythings.org's fra-eng")
    return Pairs(pairs, path, sha256_file(path), skipped)


@dataclass
class Splits:
    """Pairs by split, and the held-out sentences with all their references."""

    train: list[tuple[str, str]] = field(default_factory=list)
    validation: list[tuple[str, str]] = field(default_factory=list)
    test: list[tuple[str, str]] = field(default_factory=list)

    def references(self, split: str) -> list[tuple[str, list[str]]]:
        """(English sentence, every French translation of it) for each distinct sentence of a split, in file order."""
        refs: dict[str, list[str]] = defaultdict(list)
        for english, french in getattr(self, split):
            if french not in refs[english]:
                refs[english].append(french)
        return list(refs.items())

    def sizes(self) -> dict:
        return {split: {"pairs": len(getattr(self, split)), "sentences": len(self.references(split))}
                for split in ("train", "validation", "test")}


def split(pairs: list[tuple[str, str]]) -> Splits:
    out = Splits()
    for pair in pairs:
        getattr(out, split_of(pair[0])).append(pair)
    return out


# Fetching ---------------------------------------------------------------------------------------------------
def folder() -> Path:
    return datasets_dir() / NAME


def path() -> Path:
    return folder() / "fra-eng.tsv"


def cached() -> Path | None:
    return path() if path().exists() and (folder() / "SOURCE.json").exists() else None


def fetch(url: str | None = None, log=print) -> Path:
    """manythings.org's fra-eng.zip → datasets/tatoeba-fra-eng/fra-eng.tsv: the pairs whose English has at most
    30 characters, two columns; SOURCE.json records the URL, the SHA-256 of the download and of the file kept.
    The file grows as Tatoeba does, so there is no fixed checksum to compare with. Fetching again is a no-op."""
    if cached():
        return path()
    url = url or os.environ.get("MLPLAY_TATOEBA_URL", URL)
    raw = _download(url)
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            text = archive.read(MEMBER).decode("utf-8")
    except (zipfile.BadZipFile, KeyError, UnicodeDecodeError) as e:
        raise MlplayError(f"{url} is not the zip of {MEMBER} expected ({e})", OFFLINE_HINT) from None
    lines, total = [], 0
    for line in text.splitlines():
        parts = line.split("\t")
        if len(parts) >= 2 and parts[0].strip() and parts[1].strip():
            total += 1
            if len(parts[0].strip()) <= MAX_ENGLISH_CHARS:
                lines.append(f"{parts[0].strip()}\t{parts[1].strip()}")
    if not lines:
        raise MlplayError(f"{url}: no English<TAB>French lines in {MEMBER}", OFFLINE_HINT)
    with atomic_path(path()) as tmp:
        tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    write_json(folder() / "SOURCE.json", {
        "source": f"Tatoeba English–French pairs (manythings.org {Path(url).name})", "url": url, "licence": LICENCE,
        "download_sha256": hashlib.sha256(raw).hexdigest(), "pairs_in_download": total,
        "kept": f"{len(lines)} pairs whose English has at most {MAX_ENGLISH_CHARS} characters",
        "sha256": sha256_file(path())})
    log(f"{NAME}: {len(lines):,} of {total:,} pairs (English up to {MAX_ENGLISH_CHARS} characters) → {path()}")
    return path()


def _download(url: str, timeout: float = 30.0) -> bytes:
    # manythings.org refuses clients that do not name themselves
    request = urllib.request.Request(url, headers={"User-Agent": "mlplay (+https://tatoeba.org data, CC-BY 2.0 FR)"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.read()
    except urllib.error.HTTPError as e:
        raise MlplayError(f"cannot download {url}: HTTP {e.code}", OFFLINE_HINT) from None
    except (urllib.error.URLError, OSError, ValueError) as e:
        raise MlplayError(f"cannot download {url}: {getattr(e, 'reason', e)}", OFFLINE_HINT) from None


def source_label(data: Path) -> str:
    """How the card names the pairs: the fetched file's source, or the file given with --data."""
    import json

    meta = Path(data).parent / "SOURCE.json"
    if Path(data).resolve() == path().resolve() and meta.exists():
        return json.loads(meta.read_text(encoding="utf-8"))["source"]
    return f"{Path(data).name} (English<TAB>French pairs)"


# A trained model's splits, and --quick's ---------------------------------------------------------------------------
QUICK_PAIRS = {"train": 2000, "validation": 200, "test": 200}


def quick_subset(splits: Splits) -> Splits:
    """--quick: the first pairs of each split."""
    return Splits(*(getattr(splits, s)[:n] for s, n in QUICK_PAIRS.items()))


def recorded_splits(model, path: Path | None, command: str) -> Splits:
    """The splits a trained model (a store.Model) was scored on: of `path`, else of the file its card names, else of
    the fetched file; an error when that is not the file it was trained on (by SHA-256). `command` is what the
    hints tell the user to run with --data."""
    recorded = model.card.raw.get("data", {})
    if path is None:
        where = from_portable(recorded["file"]) if recorded.get("file") else None
        try:
            path = where if where is not None and where.is_file() else cached() or fetch()
        except MlplayError as e:
            raise MlplayError(f"{model.name} was trained on {recorded.get('file', 'pairs not named')}: "
                              f"not here, and {e.message}", f"pass that file: {command} --data FILE") from None
    read = read_pairs(path)
    if recorded.get("sha256") and read.sha256 != recorded["sha256"]:
        raise MlplayError(f"{model.name} was trained on {recorded.get('file', 'other pairs')}, not on {path} "
                          "(SHA-256 differs)", f"pass the file it was trained on: {command} --data FILE")
    splits = split(read.pairs)
    return quick_subset(splits) if model.card.quick else splits
