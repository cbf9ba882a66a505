"""Summation RNN: generated data and its disjoint split, the encoding, exact match, parsing bad input,
and the numpy runtime agreeing with Keras."""


import numpy as np
import pytest

from mlplay.errors import MlplayError
from mlplay.summation import adder as summation
from mlplay.summation.models import load_data


@pytest.mark.parametrize("top", [10, 100])
def test_pair_index_enumerates_every_unordered_pair_once(top):
    pairs = summation._pair_from_index(np.arange(top * (top + 1) // 2), top)
    assert [tuple(p) for p in pairs] == [(a, b) for a in range(top) for b in range(a, top)]


def test_test_pairs_never_appear_in_training_in_either_order():
    test, train = summation.unordered_pairs(2, 500, None, seed=0)
    assert len(test) == 500 and len(test) + len(train) == 5050
    test_q = {tuple(p) for p in summation.both_orders(test)}
    train_q = {tuple(p) for p in summation.both_orders(train)}
    assert not test_q & train_q
    assert len(test_q | train_q) == 10_000  # together: every ordered question of 2-digit numbers
    test3, train3 = summation.unordered_pairs(3, 1000, 5000, seed=1)
    keys = lambda ps: {(min(a, b), max(a, b)) for a, b in ps}  # noqa: E731
    assert len(keys(test3)) == 1000 and len(keys(train3)) == 5000 and not keys(test3) & keys(train3)


@pytest.mark.parametrize("digits", [2, 3])
def test_training_validation_and_test_questions_are_disjoint(digits):

    data = load_data(digits, quick=True)
    asked = {name: {tuple(q) for q in x} for name, x in
             (("train", data.x_train), ("validation", data.x_val), ("test", data.x_test))}
    assert all(asked.values()) and len(data.x_val) == len(asked["validation"])
    assert not asked["train"] & asked["validation"] and not asked["train"] & asked["test"]
    assert not asked["validation"] & asked["test"]


def test_a_seed_gives_the_same_split_and_another_seed_a_different_one():
    a, _ = summation.unordered_pairs(3, 100, 100, seed=0)
    b, _ = summation.unordered_pairs(3, 100, 100, seed=0)
    c, _ = summation.unordered_pairs(3, 100, 100, seed=1)
    assert np.array_equal(a, b) and not np.array_equal(a, c)


def test_encoding_pads_and_reverses_and_answers_are_zero_padded():
    assert "".join(summation.VOCAB[i] for i in summation.encode(17, 3, 2)) == "30+71"
    assert summation.answer_ids(20, 2) == [0, 2, 0]
    x, y = summation.arrays(np.array([[999, 999]]), 3)
    assert x.shape == (1, 7) and y.tolist() == [[1, 9, 9, 8]]


def test_exact_match_needs_every_digit_while_char_accuracy_does_not():
    truth = np.array([[0, 5, 5], [1, 9, 8], [0, 0, 3]])
    predicted = np.array([[0, 5, 5], [1, 9, 9], [0, 0, 4]])
    assert summation.exact_match(predicted, truth) == pytest.approx(1 / 3)
    assert summation.char_accuracy(predicted, truth) == pytest.approx(7 / 9)


@pytest.mark.parametrize("text, reason", [
    ("", "type a sum"), ("   ", "type a sum"), ("ab+3", "only digits"), ("17+", "a+b"), ("17-3", "only digits"),
    ("123+4", "at most 2 digits"), ("١٢+3", "only digits"), ("1" * 10_000, "too long"), ("1+2+3", "a+b"),
])
def test_bad_questions_get_a_short_reason(text, reason):
    with pytest.raises(MlplayError) as e:
        summation.parse(text, 2)
    assert reason in e.value.message and len(e.value.message) < 80


def test_good_questions_parse_with_spaces_and_leading_zeros():
    assert summation.parse(" 17 + 038 ", 2) == (17, 38)
    assert summation.parse("999+0", 3) == (999, 0)


def test_numpy_adder_matches_keras_on_a_small_random_model(tmp_path):
    from mlplay import gru
    from mlplay.summation.models import build

    model = build(2)
    gru.export(model, tmp_path / gru.WEIGHTS_FILE)
    adder = summation.Adder(tmp_path / gru.WEIGHTS_FILE, 2)
    x, _ = summation.arrays(np.array([[1, 2], [99, 99], [17, 38], [0, 0]]), 2)
    keras_p = model.predict(x, verbose=0)
    assert np.abs(adder.probabilities(x) - keras_p).max() < 1e-5
    answer = adder(17, 38)
    p = keras_p[2]  # the question 17+38
    assert answer.digits == "".join(str(d) for d in p.argmax(axis=-1)) and answer.value == int(answer.digits)
    np.testing.assert_allclose(answer.confidence, p.max(axis=-1), atol=1e-5)  # the chosen digit's probability


def test_adder_refuses_a_folder_without_weights_or_with_other_layers(tmp_path):
    from texthelpers import random_text_model

    with pytest.raises(MlplayError, match="weights.npz is missing"):
        summation.Adder(tmp_path / "weights.npz", 2)
    text_model = random_text_model(tmp_path, "text-2")  # a text model whose name ends like sum-2
    with pytest.raises(MlplayError, match="not a summation model"):
        summation.Adder(text_model / "weights.npz", 2)


def test_typed_questions_are_the_test_questions_as_a_person_types_them():
    from mlplay.summation.models import typed_questions

    data = load_data(2, quick=True)
    typed = typed_questions(data.x_test)
    assert len(typed) == len(data.x_test) and any(" " in q for q in typed) and any("0" + q.strip() != q for q in typed)
    again = np.array([summation.encode(*summation.parse(q, 2), 2) for q in typed])
    assert np.array_equal(again, data.x_test)
