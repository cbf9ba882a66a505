"""`mlplay translate`: the REPL's logic (live toolbar, Enter, :attention, :beam), the REPL driven through
prompt_toolkit's pipe input, and the scripted forms with every bad input of the issue, through the real CLI."""

import json

import pytest
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from mlplay.translate import app, repl, translator

CTRL_C, CTRL_D = "\x03", "\x04"


@pytest.fixture
def engine(tiny):
    models, name = tiny
    return translator.load(name, models)


def test_the_toolbar_shows_the_translation_of_what_is_typed_and_its_notes(engine):
    session = app.Session(engine)
    assert "type English" in session.live("")
    line = session.live("Where is the cat?")
    assert line == " → " + app.preview(engine.translate("Where is the cat?", 1).text)  # the live bar: greedy
    assert "hamster" in session.live("Where is the hamster?") and "never seen" in session.live("I am 😀")
    assert "nothing it can read" in session.live("😀😀")
    assert "1,000" in session.live("a" * 1001)
    assert session.live(":be").startswith(" :attention")


def test_the_live_preview_stops_where_the_model_stutters():
    assert app.preview("Où Où Où Où Où") == "Où …"
    assert app.preview("Où est est est est Où Où.") == "Où est …"
    assert app.preview("Nous nous sommes vus.") == "Nous nous sommes vus."  # a word twice is French
    assert app.preview("Où est la gare ?") == "Où est la gare ?"


def test_a_line_of_mostly_unfamiliar_words_asks_whether_it_is_english():
    german = translator.Translation(source="Ich habe Hunger und bin müde.", text="", unknown_characters=["ü"],
                                    new_words=["Ich", "habe", "und"])  # müde counts: its ü was never seen
    assert "most words are new to it: is this English?" in app.notes(german)
    german.unknown_characters = []
    assert "most words are new to it: is this English?" not in app.notes(german)  # 3 of 6 is not most


def test_enter_prints_the_pair_and_attention_and_beam_commands(engine):
    session = app.Session(engine)
    assert session.enter(":attention") == ["translate a sentence first (type it, then Enter)"]
    lines = session.enter("I am hungry.")
    assert lines[0] == f"I am hungry.  →  {engine.translate('I am hungry.', 4).text}"  # Enter: a beam of 4
    heat = session.enter(":attention")
    english, french, _ = translator.word_attention(session.last.sentences[0])
    assert heat[0].split() == english == ["I", "am", "hungry."]
    assert len(heat) == 1 + len(french) + 1  # the English words, one row a French word, the legend
    for row, word in zip(heat[1:-1], french):
        label, cells = row[: row.index(word) + len(word)], row[row.index(word) + len(word):]
        assert label.strip() == word and set(cells) <= set(app.SHADES) and cells.strip()
    assert session.enter(":beam 4") == ["beam 4"] and session.beam == 4
    assert "1 to 8" in session.enter(":beam 9")[0] and "usage" in session.enter(":beam x")[0]
    assert session.enter(":nope")[0].startswith("unknown command :nope")
    assert session.enter("   ") == []


def drive(session, keys: str, history):
    lines = []
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
        pipe.send_text(keys)
        repl.interactive(session, history, pipe, DummyOutput(), lines.append)
    return lines


def test_the_repl_translates_on_enter_clears_on_ctrl_c_keeps_history_and_quits_on_ctrl_d(engine, tmp_path):
    history = tmp_path / "h" / "translate.history"
    keys = "I am hungry.\r" + "half typed" + CTRL_C + ":attention\r" + "Where is the cat?\r" + CTRL_D
    lines = drive(app.Session(engine), keys, history)
    pairs = [line for line in lines if "  →  " in line]
    assert [p.split("  →  ")[0] for p in pairs] == ["I am hungry.", "Where is the cat?"]
    assert not any("half typed" in line for line in lines)
    assert any(line.startswith("(darker = more attention") for line in lines)
    assert "Where is the cat?" in history.read_text()


def run(mlplay, models, *args, stdin: bytes | None = None):
    """`mlplay translate` on the tiny model, its output as bytes (a test pipes invalid UTF-8 in)."""
    return mlplay("translate", "--model", "tiny", *args, stdin=stdin, env={"MLPLAY_MODELS": models}, encoding=None)


def test_piped_lines_give_one_translation_a_line_and_bad_lines_one_message_each(mlplay, tiny, engine):
    models, _ = tiny
    stdin = b"I am hungry.\n\nWhere is the cat?\n" + b"\xff\xfe bad\n" + ("x" * 10_000 + "\n").encode() + \
        "😀🎉\nNous sommes ici.\nThe hamster glue.\n".encode()
    done = run(mlplay, models, stdin=stdin)
    out, err = done.stdout.decode().splitlines(), done.stderr.decode().splitlines()
    assert done.returncode == 1 and "Traceback" not in done.stderr.decode()
    assert out == [engine.translate(line, 4).text if line else "" for line in
                   ("I am hungry.", "", "Where is the cat?", "Nous sommes ici.", "The hamster glue.")]
    assert "Error: line 4: not UTF-8 text (byte 0xff at position 1)" in err
    assert any(e.startswith("Error: line 5: 10,000 characters") for e in err)
    assert any(e.startswith("Error: line 6: nothing it can read") for e in err)
    assert any(e.startswith("note: line 7:") and "is this English?" in e for e in err)
    assert any(e.startswith("note: line 8:") and "hamster, glue" in e for e in err)


def test_text_jsonl_beam_and_attention_picture(mlplay, tiny, engine, tmp_path):
    import cv2

    models, _ = tiny
    done = run(mlplay, models, "--text", "Where is the hamster?", "--jsonl", "--beam", "4")
    record = json.loads(done.stdout)
    assert done.returncode == 0 and record["source"] == "Where is the hamster?" and record["beam"] == 4
    assert record["translation"] == engine.translate("Where is the hamster?", 4).text
    assert record["score"] <= 0 and record["new_words"] == ["hamster"]
    picture = tmp_path / "pics" / "att.png"
    done = run(mlplay, models, "--text", "I am hungry. We are here.", "--attention", str(picture))
    expected = engine.translate("I am hungry. We are here.", 4).text
    assert done.returncode == 0 and done.stdout.decode().strip() == expected
    image = cv2.imread(str(picture))
    assert image is not None and image.shape[0] > 100 and image.shape[1] > 200


@pytest.mark.parametrize("args, message", [
    (["--text", ""], "Error: --text: nothing to translate"),
    (["--text", "x" * 10_000], "Error: --text: 10,000 characters"),
    (["--text", "😀"], "Error: --text: nothing it can read"),
    (["--attention", "a.png"], "Error: --attention draws the attention of --text"),
    (["--text", "Hi.", "--attention", "a.gif"], "Error: --attention a.gif: give a .png or .jpg file name"),
    (["--text", "Hi.", "--model", "nope"], "Error: no model 'nope'"),
])
def test_bad_input_is_one_line_and_exit_1(mlplay, tiny, args, message):
    models, _ = tiny
    done = run(mlplay, models, *args)
    err = done.stderr.decode()
    assert done.returncode == 1 and err.startswith(message) and err.count("\n") == 1, err


def test_a_damaged_model_is_refused_in_one_line(mlplay, tiny):
    models, name = tiny
    (models / name / translator.WEIGHTS_FILE).write_bytes(b"not weights")
    done = run(mlplay, models, "--text", "Hi.")
    err = done.stderr.decode()
    assert done.returncode == 1 and "damaged" in err and err.count("\n") == 1


def test_the_beam_limit_is_the_same_in_the_command_and_the_repl():
    from mlplay.translate import commands

    assert commands.MAX_BEAM == app.MAX_BEAM


def test_eval_without_the_pairs_and_offline_says_so_in_one_line(mlplay, tiny):
    models, name = tiny
    card = json.loads((models / name / "card.json").read_text())
    card["data"] = {"file": "fra-eng.tsv (outside the project; SHA-256 0123456789abcdef)", "sha256": "0" * 64}
    (models / name / "card.json").write_text(json.dumps(card))
    done = mlplay("eval", name, env={"MLPLAY_MODELS": models, "MLPLAY_TATOEBA_URL": "http://127.0.0.1:9/fra-eng.zip"})
    assert done.returncode == 1 and done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert done.stderr.startswith("Error: tiny was trained on fra-eng.tsv (outside the project")
    assert "mlplay eval tiny --data FILE" in done.stderr


def test_the_picture_writes_french_accents_where_the_system_has_a_font_for_them():
    import numpy as np

    from mlplay.translate import picture

    font = picture._font(17)
    if not hasattr(font, "path"):
        pytest.skip(f"none of {picture.FONTS} on this system: Pillow's bundled font has no accents")
    missing = np.array(font.getmask("\ue000"))  # a private-use character: no font draws it
    for letter in "ùéçà":
        mask = np.array(font.getmask(letter))
        assert mask.shape != missing.shape or not (mask == missing).all(), letter
