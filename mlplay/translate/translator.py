"""English → French at run time: a trained model's files, read without TensorFlow, and the search for a
translation, greedy or beam.

A model folder holds `weights.npz` (every weight in float16, by Keras path), `network.json` (which network and
its sizes) and `vocabulary.json` (the subword vocabulary, and the English words seen in training, so that new
words can be pointed out). `Translator.translate(line)` cuts a line into sentences, translates each, and
reports what it could not read.
"""

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from mlplay.errors import MlplayError
from mlplay.translate import forward
from mlplay.translate.scores import words
from mlplay.translate.subwords import END, PAD, SPACE, START, UNK, Subwords

WEIGHTS_FILE, NETWORK_FILE, VOCABULARY_FILE = "weights.npz", "network.json", "vocabulary.json"
FILES = (WEIGHTS_FILE, NETWORK_FILE, VOCABULARY_FILE)
MAX_SOURCE_PIECES = 40  # a longer sentence is translated in parts (the model learned sentences of up to ~15)
LENGTH_PENALTY = 1.0  # beam: hypotheses compared by their total log-probability / length**this


def export(model, folder: Path, network: dict, vocabulary: Subwords, english_words: set[str]) -> None:
    """Write what the numpy translator reads: float16 weights by Keras path, the network, the vocabulary."""
    folder = Path(folder)
    with open(folder / WEIGHTS_FILE, "wb") as f:
        np.savez(f, **{v.path: np.asarray(v.numpy(), np.float16) for v in model.weights})
    (folder / NETWORK_FILE).write_text(json.dumps({"kind": model.name, **network}, indent=1) + "\n", encoding="utf-8")
    (folder / VOCABULARY_FILE).write_text(json.dumps({**vocabulary.to_json(), "english_words": sorted(english_words)},
                                                     ensure_ascii=False), encoding="utf-8")


@dataclass
class Sentence:
    """One sentence's translation: the pieces on both sides, and where each French piece looked."""

    source_pieces: list[str]
    pieces: list[str]  # the French pieces written (</s> not included)
    attention: np.ndarray  # (French pieces, source pieces)
    log_probability: float  # of the whole translation, </s> included
    unk_avoided: int = 0  # steps of the chosen path whose likeliest piece was <unk> (never written: the next was)


@dataclass
class Translation:
    source: str
    text: str
    sentences: list[Sentence] = field(default_factory=list)
    unknown_characters: list[str] = field(default_factory=list)  # never seen in training: read as <unk>
    new_words: list[str] = field(default_factory=list)  # English words never seen in training (read in pieces)

    @property
    def score(self) -> float:
        """Mean log-probability a French piece (</s> included): near 0 sure, very negative unsure."""
        pieces = sum(len(s.pieces) + 1 for s in self.sentences)
        return sum(s.log_probability for s in self.sentences) / pieces if pieces else 0.0

    def notes(self) -> list[str]:
        """What the model could not read, said plainly."""
        out = []
        if self.unknown_characters:
            shown = " ".join(self.unknown_characters[:10]) + (" …" if len(self.unknown_characters) > 10 else "")
            out.append(f"characters it has never seen, read as unknown: {shown}")
        if self.new_words:
            shown = ", ".join(self.new_words[:8]) + (", …" if len(self.new_words) > 8 else "")
            out.append(f"words it has never seen in English, guessed from their pieces: {shown}")
        return out


SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(]?[A-Z0-9À-ÖØ-Þ])")


def sentences(line: str) -> list[str]:
    """A line cut after ., ! or ? followed by a space and a capital (or a digit): the model learned one short
    sentence at a time."""
    return [s for s in SENTENCE_END.split(line.strip()) if s]


def load(name: str, root: Path | None = None) -> "Translator":
    """A trained model from the store: its card checked, each of its files verified against the card's SHA-256."""
    from mlplay import store

    model = store.open(name, root)
    if model.card.task != "translation":
        raise MlplayError(f"{name} is not a translation model", "use translate (see: mlplay models)")
    return Translator.of(model)


class Translator:
    @classmethod
    def of(cls, model) -> "Translator":
        """From a store.Model: its files checked against the card's SHA-256 first; a file that does not load is a
        one-line error naming the model."""
        for file in FILES:
            model.file(file)
        with model.opening(WEIGHTS_FILE):
            return cls(model.folder)

    def __init__(self, folder: Path):
        folder = Path(folder)
        missing = [f for f in FILES if not (folder / f).is_file()]
        if missing:
            raise MlplayError(f"{folder} is not a translation model: {', '.join(missing)} missing")
        network = json.loads((folder / NETWORK_FILE).read_text(encoding="utf-8"))
        vocabulary = json.loads((folder / VOCABULARY_FILE).read_text(encoding="utf-8"))
        self.subwords = Subwords.from_json(vocabulary)
        self.english_words = set(vocabulary.get("english_words", []))
        with np.load(folder / WEIGHTS_FILE) as z:
            weights = {k: z[k].astype(np.float32) for k in z.files}
        self.net = forward.network(network["kind"], weights, network)
        self.max_positions = getattr(self.net, "max_positions", None)
        ids = self.subwords.index
        self.start, self.end = ids[START], ids[END]
        self.unk = ids[UNK]
        self.banned = [ids[PAD], ids[UNK], ids[START]]  # never written: so no <unk> in a translation
        self._recent: dict[tuple, Sentence] = {}

    # one line ----------------------------------------------------------------------------------------------------
    def translate(self, line: str, beam: int = 1) -> Translation:
        from mlplay.translate.data import as_written, normalize

        line = normalize(line)
        out = Translation(source=line, text="")
        out.unknown_characters = self.subwords.unknown_characters(line)
        out.new_words = list(dict.fromkeys(w for w in words(line) if any(c.isalpha() for c in w)
                                           and w.lower() not in self.english_words
                                           and not set(w) & set(out.unknown_characters)))
        for sentence in sentences(line):
            for part in self._parts(self.subwords.split(as_written(sentence))):
                out.sentences.append(self._remembered(part, beam))
        out.text = " ".join(self.subwords.decode(self.subwords.index[p] for p in s.pieces) for s in out.sentences)
        return out

    @staticmethod
    def _parts(pieces: list[str]) -> list[list[str]]:
        """Pieces of a sentence too long for the model, cut into parts at word starts."""
        parts, current = [], []
        for piece in pieces:
            if len(current) >= MAX_SOURCE_PIECES and piece.startswith(SPACE):
                parts.append(current)
                current = []
            current.append(piece)
        return [p for p in [*parts, current] if p]

    def _remembered(self, pieces: list[str], beam: int) -> Sentence:
        """`search`, remembering recent sentences: typing at the end of a line of several sentences translates only
        the one that changed."""
        key = (tuple(pieces), beam)
        if key not in self._recent:
            if len(self._recent) >= 512:
                self._recent.clear()
            self._recent[key] = self.search(pieces, beam)
        return self._recent[key]

    # search ------------------------------------------------------------------------------------------------------
    def search(self, source_pieces: list[str], beam: int = 1) -> Sentence:
        """The likeliest French pieces: greedy (beam 1: the likeliest next piece each step) or a beam of `beam`
        hypotheses (the `beam` likeliest continuations kept each step; a finished one is compared with the others
        by its log-probability divided by its length)."""
        ids = np.array([self.subwords.index.get(p, self.subwords.index[UNK]) for p in source_pieces])
        memory, state = self.net.start(ids)
        longest = 2 * len(ids) + 10
        if self.max_positions:
            longest = min(longest, self.max_positions)
        alive = [([], 0.0, [], 0)]  # (pieces, log-probability, attention rows, steps where <unk> was likeliest)
        finished = []
        tokens = np.array([self.start])
        for _ in range(longest):
            logits, state, attention = self.net.step(tokens, state, memory)
            unk_first = np.argmax(logits, axis=-1) == self.unk
            log_p = _log_softmax(logits)
            log_p[:, self.banned] = -np.inf
            total = np.array([a[1] for a in alive])[:, None] + log_p
            wanted = min(2 * beam, total.size)
            best = np.argpartition(total, total.size - wanted, axis=None)[total.size - wanted:]
            best = best[np.argsort(total.flat[best])[::-1]]  # the 2·beam likeliest continuations, likeliest first
            rows, chosen, keep = [], [], []
            for rank, flat in enumerate(best):
                row, token = divmod(int(flat), total.shape[1])
                pieces, _, rows_so_far, avoided = alive[row]
                hypothesis = (pieces + [token], float(total[row, token]), rows_so_far + [attention[row]],
                              avoided + int(unk_first[row]))
                if token == self.end:
                    if rank < beam:  # as in fairseq: an ending counts only among the `beam` best
                        finished.append(hypothesis)
                elif len(keep) < beam:
                    keep.append(hypothesis)
                    rows.append(row)
                    chosen.append(token)
            if len(finished) >= beam or not keep:
                break
            alive = keep
            state = self.net.reorder(state, np.array(rows))
            tokens = np.array(chosen)
        pool = finished or alive
        pieces, log_probability, rows, avoided = max(pool, key=lambda h: h[1] / len(h[0]) ** LENGTH_PENALTY)
        if pieces and pieces[-1] == self.end:
            pieces, rows = pieces[:-1], rows[:-1]
        attention = np.array(rows, np.float32).reshape(len(rows), len(ids))
        return Sentence(source_pieces, [self.subwords.tokens[t] for t in pieces], attention, log_probability, avoided)

    # held-out figures (teacher forcing: the reference fed in, the next piece scored) ------------------------------
    def reference_scores(self, pairs: list[tuple[list[int], list[int]]], smoothing: float = 0.1) -> tuple[float, float]:
        """Mean label-smoothed cross-entropy and accuracy of the next piece over the references' pieces, as the
        training loss counts them; `pairs` of (source ids, target ids with </s>, no <s>)."""
        loss = right = count = 0.0
        for source, target in pairs:
            memory, state = self.net.start(np.array(source))
            tokens = [self.start, *target[:-1]]
            for token, want in zip(tokens, target):
                logits, state, _ = self.net.step(np.array([token]), state, memory)
                log_p = _log_softmax(logits)[0]
                loss += -(1 - smoothing) * log_p[want] - smoothing * log_p.mean()
                right += float(np.argmax(log_p) == want)
                count += 1
        return float(loss) / max(count, 1), float(right) / max(count, 1)


def _log_softmax(logits: np.ndarray) -> np.ndarray:
    z = logits - logits.max(axis=-1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=-1, keepdims=True))


def word_attention(sentence: Sentence) -> tuple[list[str], list[str], np.ndarray]:
    """The attention by whole words: (English words, French words, matrix French × English). A French word's row
    is the mean of its pieces' rows; an English word's column the sum of its pieces' columns."""
    def groups(pieces):
        starts = [i for i, p in enumerate(pieces) if i == 0 or p.startswith(SPACE)]
        return [(pieces[a:b], list(range(a, b))) for a, b in zip(starts, [*starts[1:], len(pieces)])]

    source, target = groups(sentence.source_pieces), groups(sentence.pieces)
    matrix = np.zeros((len(target), len(source)), np.float32)
    for r, (_, rows) in enumerate(target):
        for c, (_, cols) in enumerate(source):
            matrix[r, c] = sentence.attention[np.ix_(rows, cols)].sum(axis=1).mean()
    label = lambda pieces: "".join(pieces).replace(SPACE, "")  # noqa: E731
    return [label(p) for p, _ in source], [label(p) for p, _ in target], matrix
