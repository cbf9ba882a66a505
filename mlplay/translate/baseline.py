"""The baseline: word-by-word translation from a dictionary that the training pairs give.

For each English word, the French word that appears with it most consistently across the training pairs: the one
with the highest Dice coefficient 2·c(e, f) / (c(e) + c(f)), where c counts the pairs a word (or both) appear in.
Words are split and lower-cased as BLEU splits them; a sentence is translated word by word in English order, words
the dictionary lacks are copied, and the first letter is capitalised. No order, no agreement, no idioms: it shows
what the sequence model adds.
"""

from collections import Counter

from mlplay.translate.scores import words


class WordByWord:
    def __init__(self, pairs: list[tuple[str, str]]):
        english_count, french_count, both = Counter(), Counter(), Counter()
        for english, french in pairs:
            e_words, f_words = set(_lower(english)), set(_lower(french))
            english_count.update(e_words)
            french_count.update(f_words)
            both.update((e, f) for e in e_words for f in f_words)
        best: dict[str, tuple[float, str]] = {}
        for (e, f), n in both.items():
            dice = 2 * n / (english_count[e] + french_count[f])
            if (dice, f) > best.get(e, (0.0, "")):
                best[e] = (dice, f)
        self.dictionary = {e: f for e, (_, f) in best.items()}

    def __call__(self, english: str) -> str:
        out = " ".join(self.dictionary.get(w.lower(), w) for w in words(english))
        return out[:1].upper() + out[1:]


def _lower(text: str) -> list[str]:
    return [w.lower() for w in words(text)]
