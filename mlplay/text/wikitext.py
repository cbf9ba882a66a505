"""MediaWiki XML dumps → plain article text (markup stripped), for the character-level models.

Only main-namespace articles are kept; redirects, templates, tables, references, files and categories
are dropped; links keep their shown text; headings become plain lines.
"""

import bz2
import html
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import IO

_COMMENT = re.compile(r"<!--.*?-->", re.S)
_REF = re.compile(r"<ref[^>/]*/>|<ref[^>]*>.*?</ref>", re.S | re.I)
_DROP_TAGS = re.compile(r"<(math|gallery|timeline|score|syntaxhighlight|source|pre|code|imagemap)[^>]*>.*?</\1>",
                        re.S | re.I)
_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
_FILE_LINK = re.compile(r"\[\[(?:File|Image|Category|Media|[a-z]{2,3}(?:-[a-z]+)?):"
                        r"[^\[\]]*(?:\[\[[^\[\]]*\]\][^\[\]]*)*\]\]", re.I)
_LINK = re.compile(r"\[\[(?:[^\[\]|]*\|)?([^\[\]]*)\]\]")
_EXTERNAL = re.compile(r"\[(?:https?|ftp)://[^\s\]]+\s*([^\]]*)\]")
_URL = re.compile(r"(?:https?|ftp)://\S+")
_HEADING = re.compile(r"^(=+)\s*(.*?)\s*\1\s*$", re.M)
_BULLET = re.compile(r"^[*#:;]+\s*", re.M)
_QUOTES = re.compile(r"'{2,}")
_SPACES = re.compile(r"[ \t]+")
_BLANKS = re.compile(r"\n{3,}")


def _remove_nested(text: str, open_: str, close: str) -> str:
    """Remove every (possibly nested) span from `open_` to its matching `close`."""
    out, depth, i = [], 0, 0
    while i < len(text):
        if text.startswith(open_, i):
            depth += 1
            i += len(open_)
        elif depth and text.startswith(close, i):
            depth -= 1
            i += len(close)
        else:
            if depth == 0:
                out.append(text[i])
            i += 1
    return "".join(out)


def strip_markup(wikitext: str) -> str:
    """Wiki markup → readable plain text."""
    text = _COMMENT.sub("", wikitext)
    text = _REF.sub("", text)
    text = _DROP_TAGS.sub("", text)
    text = _remove_nested(text, "{{", "}}")
    text = _remove_nested(text, "{|", "|}")
    for _ in range(3):  # file links can nest links in their captions
        text = _FILE_LINK.sub("", text)
    text = _LINK.sub(r"\1", text)
    text = _EXTERNAL.sub(r"\1", text)
    text = _URL.sub("", text)
    text = _TAG.sub("", text)
    text = html.unescape(text)
    text = _HEADING.sub(r"\2", text)
    text = _BULLET.sub("", text)
    text = _QUOTES.sub("", text)
    text = text.replace("\u00a0", " ")
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANKS.sub("\n\n", "\n".join(lines)).strip()


def _open(path: Path) -> IO[bytes]:
    with open(path, "rb") as f:
        magic = f.read(3)
    return bz2.open(path, "rb") if magic == b"BZh" else open(path, "rb")


def articles(source: Path | IO[bytes]) -> Iterator[tuple[str, str]]:
    """(title, plain text) of each main-namespace, non-redirect page of a MediaWiki XML dump (.xml or .bz2)."""
    stream = _open(Path(source)) if isinstance(source, (str, Path)) else source
    try:
        title, ns, redirect, text = "", "0", False, ""
        for _, elem in ET.iterparse(stream, events=("end",)):
            tag = elem.tag.rsplit("}", 1)[-1]
            if tag == "title":
                title = elem.text or ""
            elif tag == "ns":
                ns = (elem.text or "").strip()
            elif tag == "redirect":
                redirect = True
            elif tag == "text":
                text = elem.text or ""
            elif tag == "page":
                if ns == "0" and not redirect and not text.lstrip().upper().startswith("#REDIRECT"):
                    plain = strip_markup(text)
                    if plain:
                        yield title, plain
                title, ns, redirect, text = "", "0", False, ""
                elem.clear()
    finally:
        if isinstance(source, (str, Path)):
            stream.close()


def dump_to_text(source: Path | IO[bytes]) -> tuple[str, int]:
    """The whole dump as one text (articles separated by a blank line) and the article count."""
    parts = [f"{title}\n\n{body}" for title, body in articles(source)]
    return "\n\n\n".join(parts) + "\n", len(parts)
