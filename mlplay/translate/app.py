"""`mlplay translate`: what the REPL shows and what a script prints, as plain functions of text in, lines out.

No terminal here: repl.py is the prompt_toolkit shell around `Session`, and `script` serves pipes and --text.
Tests drive both with strings and byte lines.
"""

import json
import sys
from dataclasses import dataclass, field

import numpy as np

from mlplay.translate.translator import Translation, Translator, word_attention

MAX_CHARS = 1000  # a line longer than this is refused: the model learned sentences of up to 30 characters
MAX_BEAM = 8
HELP = (":attention  where each French word looked, as a heat map (the last sentence entered) · :beam N  beam width "
        f"(1 = greedy, at most {MAX_BEAM}) · :help · Ctrl-C clears · Ctrl-D quits")


def problem(line: str) -> str | None:
    """Why `line` cannot be translated (one line), or None."""
    if not line.strip():
        return "nothing to translate"
    if len(line) > MAX_CHARS:
        return (f"{len(line):,} characters: more than the {MAX_CHARS:,} a line it translates "
                "(it learned short sentences: give it one or a few at a time)")
    return None


def unreadable(translator: Translator, line: str) -> str | None:
    """A line made only of characters the model has never seen (another script, emoji) has nothing to translate."""
    unknown = translator.subwords.unknown_characters(line)
    if unknown and not any(ch in translator.subwords.index for ch in line if not ch.isspace()):
        return "nothing it can read: it has never seen any of these characters (" + " ".join(unknown[:10]) + ")"
    return None


def preview(french: str, stutter: int = 3) -> str:
    """The live bar's French, cut where the model starts to stutter: half a sentence typed (no end punctuation yet,
    unlike every training sentence) can send greedy search into one word again and again ("Où Où Où Où …"). At the
    first word written `stutter` times in a row, the preview keeps one and ends with "…" (a word twice, as in "nous
    nous", is French). Enter, pipes and --text print the search's whole output."""
    words = french.split(" ")
    for i in range(len(words) - stutter + 1):
        if len(set(words[i:i + stutter])) == 1:
            return " ".join(words[:i + 1]) + " …"
    return french


def notes(translation: Translation) -> list[str]:
    """What the model could not read, and a warning when most words are new to it (another language?)."""
    out = translation.notes()
    words = [w for w in translation.source.split() if any(c.isalpha() for c in w)]
    unknown = set(translation.unknown_characters)
    unfamiliar = len(translation.new_words) + sum(bool(set(w) & unknown) for w in words)  # "müde": ü never seen
    if len(words) >= 2 and unfamiliar > len(words) / 2:
        out.append("most words are new to it: is this English?")
    return out


@dataclass
class Session:
    """The REPL's state: the beam width, the last sentence entered, and recent live translations."""

    translator: Translator
    beam: int = 4  # for Enter; the live bar is greedy
    last: Translation | None = None
    _live: dict = field(default_factory=dict)

    def translate(self, text: str, beam: int | None = None) -> Translation:
        return self.translator.translate(text, self.beam if beam is None else beam)

    def live(self, text: str) -> str:
        """The bottom toolbar for what is typed so far: the greedy translation, updated on every key."""
        if not text.strip():
            return " type English; its French appears here as you type · Enter prints the pair · :help · Ctrl-D quits"
        if text.startswith(":"):
            return " " + HELP
        if text not in self._live:
            trouble = problem(text) or unreadable(self.translator, text)
            if trouble:
                shown = trouble
            else:
                translation = self.translator.translate(text, 1)  # greedy: the fastest search, on every key
                shown = preview(translation.text) + "".join(f"   ({n})" for n in notes(translation))
            if len(self._live) > 256:
                self._live.clear()
            self._live[text] = shown
        return " → " + self._live[text]

    def enter(self, text: str) -> list[str]:
        """What Enter prints: the pair (or the answer to a :command)."""
        text = text.strip()
        if not text:
            return []
        if text.startswith(":"):
            return self.command(text)
        trouble = problem(text) or unreadable(self.translator, text)
        if trouble:
            return [trouble]
        self.last = self.translate(text)
        return [f"{self.last.source}  →  {self.last.text}", *(f"  ({n})" for n in notes(self.last))]

    def command(self, text: str) -> list[str]:
        name, *args = text[1:].split()
        if name in ("help", "h", "?"):
            return [HELP]
        if name in ("attention", "a"):
            if self.last is None:
                return ["translate a sentence first (type it, then Enter)"]
            return heat_map(self.last)
        if name == "beam":
            try:
                value = int(args[0])
            except (IndexError, ValueError):
                return [f"usage: :beam N (1 = greedy, at most {MAX_BEAM})"]
            if not 1 <= value <= MAX_BEAM:
                return [f"the beam is 1 to {MAX_BEAM} hypotheses"]
            self.beam = value
            return [f"beam {value}" + (" (greedy: the likeliest piece each step)" if value == 1 else "")]
        return [f"unknown command :{name} ({HELP})"]


# the attention, in a terminal ----------------------------------------------------------------------------------
SHADES = " ·░▒▓█"


def heat_map(translation: Translation) -> list[str]:
    """One row a French word, one column an English word; darker = looked at more. Several sentences: one map each."""
    lines = []
    for sentence in translation.sentences:
        english, french, matrix = word_attention(sentence)
        if not french:
            continue
        widths = [max(2, len(w)) for w in english]
        left = max(len(w) for w in french)
        lines.append(" " * left + "  " + " ".join(w.ljust(n) for w, n in zip(english, widths)))
        for word, row in zip(french, matrix):
            cells = [SHADES[min(len(SHADES) - 1, int(np.ceil(v * (len(SHADES) - 1))))] * n for v, n in zip(row, widths)]
            lines.append(word.rjust(left) + "  " + " ".join(cells))
    lines.append(f"(darker = more attention; each French word's row sums to 1 · "
                 f"{SHADES[1]} < 20 % … {SHADES[-1]} > 80 %)")
    return lines


# pipes and --text -----------------------------------------------------------------------------------------------
def script(translator: Translator, lines, beam: int, jsonl: bool, out=sys.stdout, err=sys.stderr) -> int:
    """One translation a line of input (bytes or text), in order; an empty line gives an empty line. A line that
    cannot be translated (not UTF-8, too long, nothing readable) gets a one-line message on stderr (with --jsonl, an
    "error" object in its place). Returns how many lines could not be translated."""
    bad = 0
    for number, raw in enumerate(lines, 1):
        try:
            line = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        except UnicodeDecodeError as e:
            line, trouble = None, f"not UTF-8 text (byte 0x{raw[e.start]:02x} at position {e.start + 1})"
        else:
            line = line.rstrip("\r\n")
            trouble = (problem(line) if line.strip() else None) or unreadable(translator, line)
        if trouble:
            bad += 1
            if jsonl:
                print(json.dumps({"line": number, "error": trouble}, ensure_ascii=False), file=out, flush=True)
            else:
                print(f"Error: line {number}: {trouble}", file=err, flush=True)
            continue
        if not line.strip():
            print(json.dumps({"source": "", "translation": "", "score": None}) if jsonl else "", file=out, flush=True)
            continue
        translation = translator.translate(line, beam)
        if jsonl:
            print(json.dumps(record(translation, beam), ensure_ascii=False), file=out, flush=True)
        else:
            print(translation.text, file=out, flush=True)
            for note in notes(translation):
                print(f"note: line {number}: {note}", file=err, flush=True)
    return bad


def record(translation: Translation, beam: int) -> dict:
    return {"source": translation.source, "translation": translation.text, "score": round(translation.score, 4),
            "beam": beam, "unknown_characters": translation.unknown_characters, "new_words": translation.new_words,
            "notes": notes(translation)}
