"""Translation scores, written out here so that a learner can read them: BLEU and chrF, both multi-reference.

BLEU (Papineni et al., 2002), as sacrebleu computes it by default: case-sensitive, text split into words and
punctuation by the 13a rules of mteval-v13a (punctuation split off, except dots and commas inside numbers),
n-grams of 1 to 4 whose counts are clipped by the largest count in any one reference, over the whole test set;
the brevity penalty compares the output's length with, sentence by sentence, the reference length closest to it
(the shorter on a tie). 0–100.

chrF (Popović, 2015): character n-grams of 1 to 6, spaces ignored; precision and recall averaged over the
n-gram orders, then combined as an F-score that weighs recall twice as much as precision (β = 2). With several
references, each sentence counts with the reference it matches best. Statistics are summed over the test set
before the score is taken. 0–100.

tests/translate/test_scores.py checks both against sacrebleu (a development dependency).
"""

import math
import re
from collections import Counter

# 13a tokenisation -----------------------------------------------------------------------------------------------
_PUNCTUATION = re.compile(r"([\{-\~\[-\` -\&\(-\+\:-\@\/])")  # ASCII punctuation and symbols, apostrophe excepted
_DOT_COMMA_AFTER = re.compile(r"([^0-9])([\.,])")  # a dot or comma not after a digit...
_DOT_COMMA_BEFORE = re.compile(r"([\.,])([^0-9])")  # ... or not before one
_DASH_AFTER_DIGIT = re.compile(r"([0-9])(-)")


def words(text: str) -> list[str]:
    """Split like mteval-v13a: "Va-t'en, Tom ! 3.5" → ["Va-t'en", ',', 'Tom', '!', '3.5']."""
    text = text.replace("<skipped>", "").replace("-\n", "").replace("\n", " ")
    if "&" in text:
        text = text.replace("&quot;", '"').replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
    text = _PUNCTUATION.sub(r" \1 ", f" {text} ")
    text = _DOT_COMMA_AFTER.sub(r"\1 \2 ", text)
    text = _DOT_COMMA_BEFORE.sub(r" \1 \2", text)
    text = _DASH_AFTER_DIGIT.sub(r"\1 \2 ", text)
    return text.split()


def ngrams(tokens, n: int) -> Counter:
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


# BLEU ---------------------------------------------------------------------------------------------------------------
def bleu_statistics(hypothesis: str, references: list[str], order: int = 4) -> list[int]:
    """[output length, reference length, matches of 1..order, n-grams of 1..order] for one sentence."""
    hyp = words(hypothesis)
    refs = [words(r) for r in references]
    ref_length = min((abs(len(r) - len(hyp)), len(r)) for r in refs)[1]  # closest, the shorter on a tie
    matches, totals = [], []
    for n in range(1, order + 1):
        counts = ngrams(hyp, n)
        most = Counter()
        for r in refs:
            most |= ngrams(r, n)  # the largest count of each n-gram in any one reference
        matches.append(sum(min(c, most[g]) for g, c in counts.items()))
        totals.append(max(0, len(hyp) - n + 1))
    return [len(hyp), ref_length, *matches, *totals]


def bleu_from(stats: list[int], order: int = 4) -> float:
    """Corpus BLEU from summed statistics (sacrebleu's default 'exp' smoothing for an n-gram order with no match)."""
    hyp_len, ref_len = stats[0], stats[1]
    matches, totals = stats[2 : 2 + order], stats[2 + order : 2 + 2 * order]
    if hyp_len == 0:
        return 0.0
    log_precision, smooth = 0.0, 1.0
    for m, t in zip(matches, totals):
        if t == 0:
            return 0.0
        if m == 0:
            smooth *= 2
            log_precision += math.log(1.0 / (smooth * t))
        else:
            log_precision += math.log(m / t)
    brevity = 1.0 if hyp_len > ref_len else math.exp(1 - ref_len / hyp_len)
    return 100.0 * brevity * math.exp(log_precision / order)


def bleu(hypotheses: list[str], references: list[list[str]]) -> float:
    """Corpus BLEU of `hypotheses`, each against all of its references."""
    total = None
    for hyp, refs in zip(hypotheses, references, strict=True):
        stats = bleu_statistics(hyp, refs)
        total = stats if total is None else [a + b for a, b in zip(total, stats)]
    return round(bleu_from(total), 4) if total else 0.0


# chrF ---------------------------------------------------------------------------------------------------------------
CHAR_ORDER, BETA = 6, 2.0


def _char_ngrams(text: str) -> list[Counter]:
    text = "".join(text.split())
    return [Counter(text[i : i + n] for i in range(len(text) - n + 1)) for n in range(1, CHAR_ORDER + 1)]


def _chrf_statistics(hyp_grams: list[Counter], ref_grams: list[Counter]) -> list[int]:
    """[output n-grams, reference n-grams, matches] for each order."""
    stats = []
    for h, r in zip(hyp_grams, ref_grams):
        stats += [sum(h.values()), sum(r.values()), sum((h & r).values())]
    return stats


def chrf_from(stats: list[int]) -> float:
    precision = recall = 0.0
    orders = 0
    for n in range(CHAR_ORDER):
        hyp, ref, match = stats[3 * n : 3 * n + 3]
        if hyp > 0 and ref > 0:
            precision += match / hyp
            recall += match / ref
            orders += 1
    if orders == 0:
        return 0.0
    precision, recall = precision / orders, recall / orders
    if precision + recall == 0:
        return 0.0
    b2 = BETA**2
    return 100.0 * (1 + b2) * precision * recall / (b2 * precision + recall)


def chrf(hypotheses: list[str], references: list[list[str]]) -> float:
    """Corpus chrF; each sentence counted with the reference that gives it the best chrF."""
    total = [0] * (3 * CHAR_ORDER)
    for hyp, refs in zip(hypotheses, references, strict=True):
        h = _char_ngrams(hyp)
        best = max((_chrf_statistics(h, _char_ngrams(r)) for r in refs), key=chrf_from)
        total = [a + b for a, b in zip(total, best)]
    return round(chrf_from(total), 4)
