"""The subword vocabulary: chunks, exact round trips, new words in known pieces, unknown characters, the file."""

import random

from mlplay.translate.subwords import SPACE, SPECIALS, UNK, Subwords, chunks, learn

from translatehelpers import PAIRS

TEXTS = [e for e, _ in PAIRS] + [f for _, f in PAIRS]


def test_chunks_mark_spaces_and_split_punctuation_and_apostrophes():
    assert chunks("Va !") == [f"{SPACE}Va", f"{SPACE}!"]
    assert chunks("J'ai faim.") == [f"{SPACE}J'", "ai", f"{SPACE}faim", "."]
    assert chunks("") == []


def test_learning_merges_frequent_pairs_up_to_the_size_asked():
    vocabulary = learn(TEXTS * 5, 80)
    assert len(vocabulary) <= 80 and vocabulary.tokens[: len(SPECIALS)] == list(SPECIALS)
    assert vocabulary.merges, "frequent pairs were merged"
    first = vocabulary.merges[0]
    assert first[0] + first[1] in vocabulary.index
    assert learn(TEXTS * 5, 80).tokens == vocabulary.tokens  # deterministic


def test_every_text_of_known_characters_comes_back_exactly():
    vocabulary = learn(TEXTS * 5, 100)
    letters = "".join(vocabulary.alphabet).replace(SPACE, "")
    rng = random.Random(0)
    for _ in range(200):
        words = ("".join(rng.choice(letters) for _ in range(rng.randint(1, 8))) for _ in range(rng.randint(1, 6)))
        text = " ".join(words)
        assert vocabulary.decode(vocabulary.encode(text)) == text
        assert UNK not in vocabulary.split(text)


def test_a_new_word_is_read_in_known_pieces_and_unknown_characters_as_unk():
    vocabulary = learn(TEXTS * 5, 100)
    pieces = vocabulary.split("Where is the chateau?")
    assert UNK not in pieces and "".join(pieces).replace(SPACE, " ").strip() == "Where is the chateau?"
    assert vocabulary.split("I am 😀") [-1] == UNK
    assert vocabulary.unknown_characters("I am 😀 ß") == ["😀", "ß"]
    assert vocabulary.decode(vocabulary.encode("I am 😀")) == "I am ?"


def test_the_vocabulary_file_gives_the_same_vocabulary(tmp_path):
    import json

    vocabulary = learn(TEXTS * 5, 100)
    vocabulary.save(tmp_path / "v.json")
    again = Subwords.from_json(json.loads((tmp_path / "v.json").read_text(encoding="utf-8")))
    assert again.tokens == vocabulary.tokens
    assert [again.encode(t) for t in TEXTS] == [vocabulary.encode(t) for t in TEXTS]
