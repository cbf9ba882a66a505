"""The test sentences as people type them at the REPL (typed.py), and the card figure made of them: the typing itself
(pure), the figure through the same child process as the other held-out figures, written into a card by
`python -m mlplay.translate.figures typed`, and the shipped card's typed examples translated again."""

import json

import pytest

from mlplay import store
from mlplay.translate import data as tatoeba, figures, scores, typed
from mlplay.translate.translator import Translator

from translatehelpers import PAIRS, SHARED_PAIRS, needs_pairs

SENTENCES = [f"{who} {verb} the {thing}{end}" for who in ("I", "We", "Tom") for verb in ("see", "want", "like")
             for thing in ("cat", "station", "moon", "sea") for end in (".", "!", "?", "?!", "...")]


def test_typing_is_lower_case_and_drops_the_final_punctuation_of_about_half():
    out = typed.typed_sentences(SENTENCES)
    assert all(t == t.lower() and t.lower().rstrip(".?!") == s.lower().rstrip(".?!") for s, t in zip(SENTENCES, out))
    dropped = [s for s, t in zip(SENTENCES, out) if t == s.lower().rstrip(".?!")]
    kept = [s for s, t in zip(SENTENCES, out) if t == s.lower()]
    assert len(dropped) + len(kept) == len(SENTENCES)  # the whole run ("?!", "...") goes, or none of it
    assert 0.4 < len(dropped) / len(SENTENCES) < 0.6
    assert dropped == [s for s in SENTENCES if typed.drops_end(s)]


def test_typing_depends_on_the_sentence_and_the_seed_alone():
    one = typed.typed_sentences(SENTENCES)
    assert typed.typed_sentences(SENTENCES[::-1]) == one[::-1]  # any order, any subset: the same typing
    assert [typed.typed(s) for s in SENTENCES[5:9]] == one[5:9]
    assert typed.typed_sentences(SENTENCES, seed=1) != one
    assert typed.typed("Where is the station?") in ("where is the station?", "where is the station")


def test_typing_keeps_apostrophes_inner_punctuation_and_a_line_of_punctuation():
    assert typed.typed("I'm fit.") in ("i'm fit.", "i'm fit")
    assert typed.typed("Tom, come here!").startswith("tom, come here")
    assert typed.typed("?!") == "?!"


@pytest.mark.slow  # starts the scoring child process twice
def test_the_typed_figures_are_part_of_the_held_out_figures(tmp_path):
    from translatehelpers import random_translator

    folder = random_translator(tmp_path / "models")
    splits = tatoeba.Splits(PAIRS, PAIRS[:3], PAIRS)
    everything, alone = figures.measure(folder, splits), figures.measure(folder, splits, "typed")
    assert {k: v for k, v in everything["metrics"].items() if k.startswith("typed_")} == alone["metrics"]
    assert set(alone["metrics"]) == {"typed_test_bleu", "typed_test_chrf", "typed_test_bleu_beam4",
                                     "typed_test_chrf_beam4"}
    section = everything["typed"]
    assert section == alone["typed"] and section["sentences"] == len(splits.references("test"))
    assert [e["typed"] for e in section["examples"]] == typed.typed_sentences([e for e, _ in splits.references("test")])


def test_the_typed_command_writes_the_figures_into_the_card(mlplay, tiny, tmp_path):
    models, name = tiny
    english = [e for e in (f"We see {n} cats." for n in range(400)) if tatoeba.split_of(e) == "test"][:6]
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text("".join(f"{e}\t{f}\n" for e, f in PAIRS * 3 + [(e, "Nous voyons des chats.") for e in english]),
                     encoding="utf-8")
    before = json.loads((models / name / "card.json").read_text())
    done = mlplay.python("-m", "mlplay.translate.figures", "typed", "--model", name, "--models-dir", models,
                         "--data", pairs)
    assert done.returncode == 0, done.stderr
    assert "test sentences as typed" in done.stdout
    card = json.loads((models / name / "card.json").read_text())
    assert {k: v for k, v in card.items() if k not in ("metrics", "typed")} == {k: v for k, v in before.items()
                                                                              if k != "metrics"}
    assert set(card["metrics"]) == {"typed_test_bleu", "typed_test_chrf", "typed_test_bleu_beam4",
                                    "typed_test_chrf_beam4"}
    assert card["typed"]["sentences"] == len({e for e, _ in tatoeba.split(PAIRS * 3).test} | set(english))
    assert card["typed"]["command"] == (f"python -m mlplay.translate.figures typed --model {name} --models-dir "
                                        f"{models.name} --data {pairs.name}")  # paths outside the project by name


def test_the_all_command_measures_every_figure_again_and_says_so_in_the_card(mlplay, tiny, tmp_path):
    models, name = tiny
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text("".join(f"{e}\t{f}\n" for e, f in PAIRS * 3), encoding="utf-8")
    before = json.loads((models / name / "card.json").read_text())
    done = mlplay.python("-m", "mlplay.translate.figures", "all", "--model", name, "--models-dir", models,
                         "--data", pairs)
    assert done.returncode == 0, done.stderr
    card = json.loads((models / name / "card.json").read_text())
    assert {"test_bleu", "test_bleu_beam4", "validation_bleu", "baseline_test_bleu", "typed_test_bleu"} <= set(
        card["metrics"])
    assert len(card["examples"]) == min(12, card["test_set"]["sentences"])
    assert card["measured_again"]["command"].startswith("python -m mlplay.translate.figures all")
    assert card.get("training") == before.get("training") and card["sha256"] == before["sha256"]  # not retrained


def test_the_typed_command_refuses_a_missing_model_in_one_line(mlplay, tmp_path):
    done = mlplay.python("-m", "mlplay.translate.figures", "typed", "--model", "nothing", "--models-dir", tmp_path)
    assert done.returncode == 1 and done.stderr.startswith("Error: no model 'nothing'")
    assert done.stderr.count("\n") == 1


@pytest.fixture(scope="module")
def shipped():
    return store.open("translate")


def test_the_shipped_card_holds_the_typed_figures(shipped):
    card = shipped.card.raw
    metrics, section = card["metrics"], card["typed"]
    for key in ("typed_test_bleu", "typed_test_chrf", "typed_test_bleu_beam4", "typed_test_chrf_beam4"):
        assert 0 < metrics[key] <= 100
    assert metrics["typed_test_bleu_beam4"] > metrics["baseline_test_bleu"]
    assert section["sentences"] == card["test_set"]["sentences"]
    assert 0.4 < section["without_final_punctuation"] / section["sentences"] < 0.6
    assert section.get("command", card["command"]).startswith(("python -m mlplay.translate.figures", "mlplay train"))
    assert section["how"] == typed.HOW


@needs_pairs
def test_the_shipped_cards_typed_examples_come_back_from_the_real_test_sentences(shipped):
    """A part of the figure recomputed: the first test sentences typed, translated greedy and with a beam of 4 by the
    shipped files, give what the card says; scored, they give the BLEU of what the card says."""
    test = tatoeba.split(tatoeba.read_pairs(SHARED_PAIRS).pairs).references("test")
    examples = shipped.card.raw["typed"]["examples"]
    translator = Translator(shipped.folder)
    for example, (english, _) in zip(examples, test):
        assert example["english"] == english and example["typed"] == typed.typed(english)
        assert translator.translate(example["typed"]).text == example["greedy"]
        assert translator.translate(example["typed"], figures.BEAM).text == example["beam4"]
    few = test[: len(examples)]
    with figures.Translators(translator, processes=2) as many:  # forked copies, as eval runs them
        again = figures.typed_figures(many, few)
    assert [e["greedy"] for e in again["typed"]["examples"]] == [e["greedy"] for e in examples]
    assert again["metrics"]["typed_test_bleu"] == scores.bleu([e["greedy"] for e in examples], [r for _, r in few])


def test_a_typed_sentence_is_read_as_the_model_s_sentences_are_written():
    from mlplay.translate.data import as_written

    assert as_written("i'm hungry, i think") == "I'm hungry, I think."
    assert as_written("where is the station") == "Where is the station?"
    assert as_written("iPhone is here") == "iPhone is here." and as_written("3 cats.") == "3 cats."
    assert as_written("Is it mine?") == "Is it mine?"  # as written already: unchanged


def test_a_typed_sentence_gets_its_final_mark_a_question_mark_when_it_opens_as_a_question():
    from mlplay.translate.data import as_written

    assert as_written("who died") == "Who died?" and as_written("where is the sta") == "Where is the sta?"
    assert as_written("tom is here") == "Tom is here." and as_written("wow!") == "Wow!"
    assert as_written('He said "no."') == 'He said "no."' and as_written("") == ""


class Echo:
    """A stand-in translator: what it was given, and the beam, upper-cased; it counts its calls."""

    def __init__(self):
        self.calls = 0

    def translate(self, line, beam=1):
        from types import SimpleNamespace

        self.calls += 1
        return SimpleNamespace(text=f"{line.upper()}/{beam}")


def test_forked_translators_give_every_sentence_back_in_order_as_one_process_would():
    sentences = [f"sentence {i}" for i in range(11)]
    with figures.Translators(Echo(), processes=3) as many:
        shared, seconds = many(sentences, 4)
    alone, _ = figures.Translators(Echo(), processes=1)(sentences, 4)
    assert [t.text for t in shared] == [t.text for t in alone] == [f"SENTENCE {i}/4" for i in range(11)]
    assert seconds >= 0
