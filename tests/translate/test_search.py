"""The search over a made-up network whose next-piece probabilities are a fixed table: greedy takes the likeliest
piece each step, the beam finds the likelier whole sentence, <unk> is never written; and the translator's
sentences, long-sentence parts, notes and word-level attention."""

import numpy as np

from mlplay.translate import translator
from mlplay.translate.subwords import SPACE, Subwords

from translatehelpers import random_translator

TOKENS = [f"{SPACE}a", f"{SPACE}b", f"{SPACE}c", f"{SPACE}d"]


class TableNet:
    """Next-piece probabilities depend on the last piece only: after <s>, a (0.5) beats b (0.4); after a, every
    piece is equally likely (0.25 each, </s> 0.2); after b, </s> is nearly certain. So greedy writes "a …" while
    "b" then </s> is the likelier sentence (0.4 × 0.96 against 0.5 × 0.2)."""

    def __init__(self, vocabulary: Subwords):
        i = vocabulary.index
        self.v = len(vocabulary)
        a, b, c, d, end, start = (i[t] for t in (*TOKENS, "</s>", "<s>"))
        table = np.full((self.v, self.v), 1e-6)
        table[start, [a, b, c, i["<unk>"]]] = [0.5, 0.4, 0.05, 0.9]  # <unk> is the likeliest: it must be banned
        table[a, [a, b, c, d, end]] = [0.2, 0.2, 0.2, 0.2, 0.2]
        table[b, end] = 0.96
        for t in (c, d):
            table[t, end] = 0.9
        self.log_table = np.log(table / table.sum(1, keepdims=True))

    def start(self, ids):
        return np.zeros((len(ids), 1)), np.zeros(1, np.int64)

    def step(self, tokens, state, memory):
        rows = len(tokens)
        return self.log_table[tokens], np.asarray(tokens), np.full((rows, len(memory)), 1.0 / len(memory))

    @staticmethod
    def reorder(state, rows):
        return state[rows]


def table_translator(tmp_path):
    folder = random_translator(tmp_path)
    engine = translator.Translator(folder)
    engine.subwords = Subwords(["a", "b", "c", "d", SPACE], tokens=TOKENS)
    i = engine.subwords.index
    engine.start, engine.end = i["<s>"], i["</s>"]
    engine.unk, engine.banned = i["<unk>"], [i["<pad>"], i["<unk>"], i["<s>"]]
    engine.net = TableNet(engine.subwords)
    return engine


def test_greedy_takes_the_likeliest_piece_and_the_beam_the_likeliest_sentence(tmp_path):
    engine = table_translator(tmp_path)
    greedy = engine.search([f"{SPACE}a"], beam=1)
    assert greedy.pieces[0] == f"{SPACE}a"  # 0.5 > 0.4, and <unk> (0.9) is never written
    assert greedy.unk_avoided == 1  # ... though it was the likeliest at the first step
    beam = engine.search([f"{SPACE}a"], beam=4)
    assert beam.pieces == [f"{SPACE}b"]
    assert beam.log_probability > greedy.log_probability
    assert beam.attention.shape == (1, 1)


def test_random_model_translations_have_no_unk_and_sentences_are_cut(tmp_path):
    engine = translator.Translator(random_translator(tmp_path))
    out = engine.translate("I am hungry. Where is the cat? We are here!", beam=3)
    assert len(out.sentences) == 3
    for sentence in out.sentences:
        assert "<unk>" not in sentence.pieces and sentence.attention.shape == (len(sentence.pieces),
                                                                                 len(sentence.source_pieces))
        np.testing.assert_allclose(sentence.attention.sum(1), 1.0, rtol=1e-5)
    assert translator.sentences("Hi. Yes!  No? ok") == ["Hi.", "Yes!", "No? ok"]
    long = " ".join(["station"] * 60)
    parts = engine._parts(engine.subwords.split(long))
    assert len(parts) > 1 and all(len(p) <= translator.MAX_SOURCE_PIECES + 10 for p in parts)
    assert sum(len(p) for p in parts) == len(engine.subwords.split(long))


def test_notes_name_new_words_and_unknown_characters(tmp_path):
    engine = translator.Translator(random_translator(tmp_path))
    out = engine.translate("Where is the hamster 😀?")
    assert out.new_words == ["hamster"] and out.unknown_characters == ["😀"]
    assert any("hamster" in n for n in out.notes()) and any("😀" in n for n in out.notes())
    assert engine.translate("Where is the cat?").notes() == []


def test_word_attention_sums_pieces_of_a_word():
    sentence = translator.Sentence([f"{SPACE}the", f"{SPACE}sta", "tion", "?"], [f"{SPACE}la", f"{SPACE}ga", "re"],
                                   np.array([[0.7, 0.1, 0.1, 0.1], [0.0, 0.5, 0.5, 0.0], [0.0, 0.2, 0.6, 0.2]]),
                                   -1.0)
    english, french, matrix = translator.word_attention(sentence)
    assert english == ["the", "station?"] and french == ["la", "gare"]
    np.testing.assert_allclose(matrix, [[0.7, 0.3], [0.0, 1.0]])
