"""BLEU and chrF: small cases worked out by hand, and agreement with sacrebleu (a development dependency) on many
sentences with varying numbers of references."""

import math
import random

import pytest

from mlplay.translate import scores

from translatehelpers import PAIRS


def test_words_split_punctuation_as_13a_does():
    assert scores.words("Où est la gare ?") == ["Où", "est", "la", "gare", "?"]
    assert scores.words("J'ai 3,5 ans, Tom.") == ["J'ai", "3,5", "ans", ",", "Tom", "."]


def test_bleu_by_hand():
    assert scores.bleu(["le chat est ici ."], [["le chat est ici ."]]) == 100.0
    # 4 of 5 unigrams, 2/4 bigrams, 1/3 trigrams, 0/2 4-grams (smoothed to 1/(2·2)), same length: no penalty
    expected = 100 * math.exp((math.log(4 / 5) + math.log(2 / 4) + math.log(1 / 3) + math.log(1 / 4)) / 4)
    assert scores.bleu(["le chat est là ."], [["le chat est ici ."]]) == pytest.approx(expected, abs=1e-3)
    # a short output is penalised against the closest reference length
    short = scores.bleu(["le chat est ici"], [["le chat est ici , Tom", "le chat est ici ."]])
    assert short == pytest.approx(100 * math.exp(1 - 5 / 4), abs=1e-3)
    assert scores.bleu(["le chat"], [["le chat"]]) == 0.0  # no 4-gram at all: 0, as sacrebleu gives


def test_bleu_clips_counts_by_the_best_single_reference():
    # "le" twice in the output: one reference has it once, the other twice → both count
    two = scores.bleu_statistics("le le chat", ["le chat", "le chat le"])
    assert two[2] == 3  # unigram matches: le ×2 (second reference), chat
    one = scores.bleu_statistics("le le le", ["le chat", "le chat le"])
    assert one[2] == 2


def test_chrf_ignores_spaces_and_takes_the_best_reference():
    assert scores.chrf(["le chat"], [["lechat"]]) == 100.0
    assert scores.chrf(["abc"], [["xyz", "abc"]]) == 100.0
    assert 0 < scores.chrf(["le chien"], [["le chat"]]) < 100


def test_both_agree_with_sacrebleu_on_many_sentences():
    sacrebleu = pytest.importorskip("sacrebleu")
    rng = random.Random(0)
    french = [f for _, f in PAIRS] + ["Il fait beau aujourd'hui.", "C'est l'heure, Tom !", "J'ai 3,5 ans."]
    hypotheses, references = [], []
    for _ in range(300):
        refs = rng.sample(french, rng.randint(1, 4))
        words = rng.choice(refs).split()
        if rng.random() < 0.5:
            rng.shuffle(words)
        if rng.random() < 0.3 and len(words) > 1:
            words = words[:-1]
        hypotheses.append(" ".join(words))
        references.append(refs)
    streams = [[r[i] if i < len(r) else None for r in references] for i in range(4)]
    bleu, chrf = sacrebleu.corpus_bleu(hypotheses, streams).score, sacrebleu.corpus_chrf(hypotheses, streams).score
    assert scores.bleu(hypotheses, references) == pytest.approx(bleu, abs=1e-3)
    assert scores.chrf(hypotheses, references) == pytest.approx(chrf, abs=1e-3)
