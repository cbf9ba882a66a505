"""English as a person types it into `mlplay translate`, made from the held-out test sentences.

Tatoeba's sentences are written with care: a capital letter first, "I" in capitals, a full stop or question mark at
the end. At the REPL people type "where is the station" or "i am hungry". `typed(sentence)` writes a sentence so:
all in lower case, and for half of the sentences without the final full stop, question mark or exclamation mark
(the whole run of them: "Really?!" → "really"). Which half is decided by the sentence and the seed alone (Python's
`random` seeded with both), so a sentence is typed the same way in any subset, order or run. Spaces are left alone:
the translator makes every run of spaces one space before it reads a line (data.normalize), so a doubled space
would change nothing it sees. Apostrophes stay ("i'm", "don't"): the model reads them as part of the word.
"""

import random
import re

SEED = 0
DROP_END = 0.5  # share of sentences typed without their final . ? !
_END = re.compile(r"[.?!]+$")

HOW = ("each held-out test sentence typed as people type at the REPL: all in lower case, and half of them (chosen "
       "by the sentence and seed 0) without the final . ? or ! (mlplay/translate/typed.py); each translated by the "
       "shipped files as `mlplay translate` runs them and scored against the references of the sentence as written")


def drops_end(english: str, seed: int = SEED) -> bool:
    """Whether `english` is typed without its final punctuation: a draw from the sentence and the seed alone."""
    return random.Random(f"{seed}:{english}").random() < DROP_END


def typed(english: str, seed: int = SEED) -> str:
    """ "Where is the station?" → "where is the station" or "where is the station?" (see above)."""
    text = english.strip().lower()
    if drops_end(english, seed):
        text = _END.sub("", text).rstrip() or text  # a line of nothing but "?!" keeps them
    return text


def typed_sentences(sentences: list[str], seed: int = SEED) -> list[str]:
    return [typed(s, seed) for s in sentences]
