"""A subword vocabulary (byte-pair encoding) shared by English and French, so that no word is ever unknown.

Text is cut into *chunks*: a run of letters or digits (with a trailing apostrophe: "l'", "don'") or a single
other character, each marked with ▁ when a space came before it ("Va !" → ▁Va ▁!). A chunk starts as its
characters; learning repeatedly merges the most frequent adjacent pair of symbols in the training text
(Sennrich et al., 2016) until the vocabulary has the size asked for. Encoding replays the merges in the order
they were learned, so a word never seen in training still becomes known pieces ("Zorblax" → ▁Z or bl ax).
Only a character never seen in training is unknown (<unk>): an emoji, a letter of another script.
Joining the pieces and turning ▁ back into spaces gives the text back exactly.
"""

import heapq
import json
import re
from collections import Counter, defaultdict
from pathlib import Path

from mlplay.errors import MlplayError

SPACE = "\u2581"  # ▁
PAD, UNK, START, END = "<pad>", "<unk>", "<s>", "</s>"
SPECIALS = (PAD, UNK, START, END)  # ids 0–3
_CHUNK = re.compile(f"{SPACE}?(?:[^\\W_]+'?|[^{SPACE}])")
MIN_CHAR_COUNT = 2  # a character seen once in training is as good as unknown


def chunks(text: str) -> list[str]:
    """'Va !' → ['▁Va', '▁!'];  "J'ai faim." → ["▁J'", 'ai', '▁faim', '.']."""
    return _CHUNK.findall(SPACE + text.replace(" ", SPACE)) if text else []


def learn(texts, size: int) -> "Subwords":
    """Learn merges from `texts` until the vocabulary holds `size` entries (or no pair occurs twice)."""
    counts = Counter(c for text in texts for c in chunks(text))
    char_counts = Counter()
    for chunk, n in counts.items():
        for ch in chunk:
            char_counts[ch] += n
    alphabet = sorted(c for c, n in char_counts.items() if n >= MIN_CHAR_COUNT)
    known = set(alphabet)
    words = [[ch if ch in known else None for ch in chunk] for chunk in counts]  # None: never merged
    freq = list(counts.values())
    pairs: Counter = Counter()
    where: dict[tuple, set[int]] = defaultdict(set)
    for i, symbols in enumerate(words):
        for pair in zip(symbols, symbols[1:]):
            if None not in pair:
                pairs[pair] += freq[i]
                where[pair].add(i)
    heap = [(-n, pair) for pair, n in pairs.items()]
    heapq.heapify(heap)
    merges = []
    wanted = size - len(SPECIALS) - len(alphabet)
    while len(merges) < wanted and heap:
        negative, pair = heapq.heappop(heap)
        if pairs.get(pair, 0) != -negative:
            continue  # a stale entry: the pair's count changed since (its fresh count was pushed then)
        if -negative < 2:
            break
        merges.append(pair)
        joined = pair[0] + pair[1]
        changed = set()
        for i in list(where.pop(pair, ())):
            old = words[i]
            new, j = [], 0
            while j < len(old):
                if j + 1 < len(old) and old[j] == pair[0] and old[j + 1] == pair[1]:
                    new.append(joined)
                    j += 2
                else:
                    new.append(old[j])
                    j += 1
            for p in zip(old, old[1:]):
                if None not in p:
                    pairs[p] -= freq[i]
                    changed.add(p)
            for p in zip(new, new[1:]):
                if None not in p:
                    pairs[p] += freq[i]
                    where[p].add(i)
                    changed.add(p)
            words[i] = new
        pairs.pop(pair, None)
        for p in changed - {pair}:
            if pairs[p] > 0:
                heapq.heappush(heap, (-pairs[p], p))
            else:
                pairs.pop(p, None)
    return Subwords(alphabet, [a + b for a, b in merges], merges)


class Subwords:
    """The vocabulary: special tokens, the alphabet, then one token per merge, in the order learned."""

    def __init__(self, alphabet: list[str], tokens: list[str] | None = None,
                 merges: list[tuple[str, str]] | None = None):
        self.alphabet, self.merges = list(alphabet), [tuple(m) for m in (merges or [])]
        self.tokens = [*SPECIALS, *self.alphabet, *(tokens or [a + b for a, b in self.merges])]
        self.index = {t: i for i, t in enumerate(self.tokens)}
        self.rank = {m: r for r, m in enumerate(self.merges)}
        self._cache: dict[str, list[str]] = {}

    def __len__(self) -> int:
        return len(self.tokens)

    def pieces(self, chunk: str) -> list[str]:
        """The subword pieces of one chunk: merges applied by rank, lowest first (as they were learned)."""
        if chunk in self._cache:
            return self._cache[chunk]
        symbols = [ch if ch in self.index else UNK for ch in chunk]
        while len(symbols) > 1:
            ranked = [(self.rank.get(p, len(self.rank)), i) for i, p in enumerate(zip(symbols, symbols[1:]))]
            best, i = min(ranked)
            if best == len(self.rank):
                break
            symbols[i : i + 2] = [symbols[i] + symbols[i + 1]]
        if len(self._cache) < 100_000:
            self._cache[chunk] = symbols
        return symbols

    def split(self, text: str) -> list[str]:
        return [p for chunk in chunks(text) for p in self.pieces(chunk)]

    def encode(self, text: str) -> list[int]:
        return [self.index[p] for p in self.split(text)]

    def decode(self, ids) -> str:
        """Ids back to text: specials dropped (an <unk> as '?'), ▁ back to spaces."""
        out = []
        for i in ids:
            token = self.tokens[int(i)]
            if token == UNK:
                out.append("?")
            elif token not in SPECIALS:
                out.append(token)
        return "".join(out).replace(SPACE, " ").strip()

    def unknown_characters(self, text: str) -> list[str]:
        """The distinct characters of `text` the vocabulary has never seen (they become <unk>)."""
        return list(dict.fromkeys(ch for ch in text.replace(" ", "") if ch not in self.index))

    # file ------------------------------------------------------------------------------------------------------
    def to_json(self) -> dict:
        return {"kind": "byte-pair encoding, one vocabulary for English and French", "size": len(self),
                "specials": list(SPECIALS), "alphabet": self.alphabet, "merges": [list(m) for m in self.merges]}

    @classmethod
    def from_json(cls, data: dict) -> "Subwords":
        if list(data.get("specials", [])) != list(SPECIALS):
            raise MlplayError("the subword file does not use mlplay's special tokens")
        return cls(data["alphabet"], merges=[tuple(m) for m in data["merges"]])

    def save(self, path: Path) -> None:
        Path(path).write_text(json.dumps(self.to_json(), ensure_ascii=False), encoding="utf-8")
