"""The REPLs driven through prompt_toolkit's pipe input (DummyOutput), and the scripted CLI forms."""

import json
import os
import subprocess
import sys

import pytest
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from mlplay import store
from mlplay.text.writer import TextModel
from texthelpers import random_text_model

MLPLAY = [sys.executable, "-m", "mlplay"]
CTRL_C, CTRL_D = "\x03", "\x04"


@pytest.fixture(scope="module")
def adder():
    """The shipped sum-2 (committed in models/, so required: a missing one fails the tests that use it)."""
    from mlplay.summation.adder import Adder

    return Adder(store.open("sum-2").file("weights.npz"), 2)


def drive(run, keys: str):
    """Run a REPL function with `keys` typed into it; return the lines it printed."""
    lines = []
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
        pipe.send_text(keys)
        run(pipe, lines.append)
    return lines


def test_sum_repl_checks_answers_handles_bad_input_and_ctrl_c(adder, tmp_path):
    from mlplay.summation import app as sumrepl

    history = tmp_path / "h" / "sum.history"
    keys = "17+38\r" + "abc\r" + "1" * 10_000 + "\r" + "99" + CTRL_C + "5+5\r" + CTRL_D
    lines = drive(lambda pipe, emit: sumrepl.interactive(adder, history, pipe, DummyOutput(), emit), keys)
    answers = [line for line in lines if "=" in line]
    assert len(answers) == 2  # 17+38 and 5+5; the Ctrl-C'd "99" was cleared, not answered
    assert answers[0] == "17+38 = 55 ✓" or answers[0].endswith("✗ (true sum 55)")
    assert answers[1].startswith("5+5 = ")
    assert "only digits and + please (not 'a')" in lines and any("too long" in line for line in lines)
    assert "17+38" in history.read_text()  # persistent history


def test_sum_live_toolbar_shows_answer_and_confidence_or_a_hint(adder):
    from mlplay.summation import app as sumrepl

    line = sumrepl.live(adder, "17+38")
    assert line.startswith(" 17+38 = ") and "confidence per digit" in line and "%" in line
    assert "type a sum" in sumrepl.live(adder, "")
    assert "only digits" in sumrepl.live(adder, "17+x")
    assert "at most 2 digits" in sumrepl.live(adder, "170+3")
    assert "type + and the second number" in sumrepl.live(adder, "17")
    assert "now the second number" in sumrepl.live(adder, "17+")
    assert "at most 2 digits" in sumrepl.live(adder, "170")


def test_write_repl_commands_streaming_unknown_chars_and_exit(tmp_path):
    from rich.console import Console

    from mlplay.text import app as writerepl

    random_text_model(tmp_path)
    model = TextModel.open("tiny", tmp_path)
    settings = writerepl.Settings(temperature=0.5, length=30, seed=3)
    out = tmp_path / "out.txt"
    keys = ":temp 0\r" + ":len 25\r" + ":temp 9\r" + "half typed" + CTRL_C + "Héllo\r" + ":nope\r" + CTRL_D
    with open(out, "w") as f:
        console = Console(file=f, highlight=False, color_system=None, width=200)
        drive(lambda pipe, emit: writerepl.interactive(model, settings, tmp_path / "w.history", pipe, DummyOutput(),
                                                       console), keys)
    text = out.read_text()
    assert settings.temperature == 0 and settings.length == 25
    assert "temperature must be between 0 and 2" in text and "unknown command :nope" in text
    assert "dropped characters the model does not know: 'é'" in text
    expected = "".join(model.generate("Héllo", 25, 0.0))
    assert "Héllo" + expected in text  # the prompt, then the continuation streamed after it
    assert "half typed" not in text
    assert "Héllo" in (tmp_path / "w.history").read_text(encoding="utf-8")  # persistent history


def test_write_repl_prints_the_users_text_literally_never_as_markup(tmp_path):
    from rich.console import Console

    from mlplay.text import app as writerepl

    random_text_model(tmp_path)
    model = TextModel.open("tiny", tmp_path)
    settings = writerepl.Settings(temperature=0, length=10, seed=1)
    typed = ["a [/] b", "[bold]x[/bold]", ":[/]", "[red"]
    out = tmp_path / "out.txt"
    with open(out, "w") as f:
        console = Console(file=f, highlight=False, color_system=None, width=200)
        drive(lambda pipe, emit: writerepl.interactive(model, settings, None, pipe, DummyOutput(), console),
              "".join(t + "\r" for t in typed) + CTRL_D)
    text = out.read_text()
    for line in typed[:2] + typed[3:]:
        assert line + "".join(model.generate(line, 10, 0.0)) in text  # shown as typed, brackets and all
    assert "unknown command :[/]" in text


def test_ghost_text_is_offered_as_an_auto_suggestion(tmp_path):
    from prompt_toolkit.buffer import Buffer
    from prompt_toolkit.document import Document

    from mlplay.text import app as writerepl

    random_text_model(tmp_path)
    model = TextModel.open("tiny", tmp_path)
    settings = writerepl.Settings(ghost=12)
    suggest = writerepl._auto_suggest(writerepl.Shown(model, settings))
    got = suggest.get_suggestion(Buffer(), Document("To be"))
    assert got.text == "".join(model.generate("To be", 12, 0.0)).split("\n")[0]
    assert suggest.get_suggestion(Buffer(), Document(":temp")) is None
    settings.ghost = 0
    assert suggest.get_suggestion(Buffer(), Document("To be")) is None


def test_enter_writes_on_from_the_ghost_text_that_was_on_screen(tmp_path):
    from rich.console import Console

    from mlplay.text import app as writerepl

    random_text_model(tmp_path)
    model = TextModel.open("tiny", tmp_path)
    settings = writerepl.Settings(temperature=1.5, length=60, ghost=20, seed=7)  # hot: sampling differs from the ghost
    shown = writerepl.Shown(model, settings)
    ghost = shown.suggest("To be")
    assert ghost and ghost == "".join(model.generate("To be", 20, 0.0)).split("\n")[0]
    assert shown.for_enter("To be") == ghost and shown.for_enter("To be or") == ""  # typed on: not on screen
    written = "".join(writerepl.continuation(model, "To be", ghost, settings))
    assert len(written) == 60 and written.startswith(ghost)
    assert written[len(ghost):] == "".join(model.generate("To be" + ghost, 60 - len(ghost), 1.5, 7))
    assert "".join(writerepl.continuation(model, "To be", ghost, writerepl.Settings(length=5))) == ghost[:5]

    with open(tmp_path / "out.txt", "w") as f:  # the prompt is printed literally, not read as rich markup
        writerepl.stream(model, "[bold]x[/] To be", settings, Console(file=f, color_system=None, width=200), ghost)
    assert (tmp_path / "out.txt").read_text().startswith("[bold]x[/] To be" + ghost)


def test_temperature_zero_is_called_greedy():
    from mlplay.text import app as writerepl

    settings = writerepl.Settings()
    assert "greedy" not in settings.describe()
    assert "temperature 0 (greedy: always the likeliest character)" in settings.command(":temp 0")


def run(*args, stdin="", env=None):
    return subprocess.run([*MLPLAY, *map(str, args)], input=stdin, capture_output=True, text=True, timeout=120,
                          env={**os.environ, **(env or {})})


def test_scripted_sum_answers_one_line_each_and_reports_bad_lines(adder):
    result = run("sum", stdin="17+38\n1+2\nhello\n")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    lines = result.stdout.splitlines()
    assert lines == ["17+38 = 55 ✓", "1+2 = 3 ✓"]
    assert result.stderr.strip() == "Error: 'hello': only digits and + please (not 'h')"
    record = json.loads(run("sum", "--jsonl", stdin="99+99\n").stdout)
    assert record["answer"] == 198 and record["correct"] and len(record["confidence"]) == 3


def test_scripted_write_is_deterministic_for_a_seed(tmp_path):
    random_text_model(tmp_path)
    args = ["write", "--model", "tiny", "--models-dir", tmp_path, "--prompt", "ROMEO:", "--length", 120,
            "--temperature", 0.5]
    a, b, c = run(*args, "--seed", 1), run(*args, "--seed", 1), run(*args, "--seed", 2)
    assert a.returncode == 0, a.stderr
    assert a.stdout == b.stdout != c.stdout and a.stdout.startswith("ROMEO:") and len(a.stdout) == 6 + 121
    piped = run("write", "--model", "tiny", "--models-dir", tmp_path, "--jsonl", "--seed", 1, "--length", 120,
                "--temperature", 0.5, stdin="ROMEO:\nJULIET:\n")
    records = [json.loads(line) for line in piped.stdout.splitlines()]
    assert [r["prompt"] for r in records] == ["ROMEO:", "JULIET:"] and "ROMEO:" + records[0]["continuation"] + "\n" == a.stdout


def test_write_bad_input_is_one_line_error(tmp_path):
    result = run("write", "--model", "nothing", "--models-dir", tmp_path, "--prompt", "x")
    assert result.returncode == 1 and result.stderr.startswith("Error: no model 'nothing'") and "Traceback" not in result.stderr
    result = run("write", "--models-dir", tmp_path, "--prompt", "x")
    assert result.returncode == 1 and "which model" in result.stderr
    random_text_model(tmp_path)
    result = run("write", "--model", "tiny", "--models-dir", tmp_path, "--prompt", "✓✓ unicode ✓", "--length", 5)
    assert result.returncode == 0 and "dropped characters" in result.stderr
    assert result.stdout.startswith("✓✓ unicode ✓") and len(result.stdout) == len("✓✓ unicode ✓") + 6
    result = run("write", "--model", "tiny", "--models-dir", tmp_path, "--prompt", "x", "--temperature", "-1")
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_sum_and_write_start_without_tensorflow(tmp_path):
    random_text_model(tmp_path)
    code = ("import sys; from mlplay.cli import app; "
            "app(['write', '--model', 'tiny', '--models-dir', sys.argv[1], '--prompt', 'a', '--length', '3'], "
            "standalone_mode=False); print('tensorflow' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip().endswith("False"), out.stderr
    code = ("import sys; from mlplay.cli import app; app(['sum'], standalone_mode=False); "
            "print('tensorflow' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], input="1+1\n", capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and out.stdout.splitlines() == ["1+1 = 2 ✓", "False"], out.stdout + out.stderr


def test_sum_and_write_refuse_the_wrong_kind_of_model_in_one_line(tmp_path):
    import shutil

    random_text_model(tmp_path, "book-2")  # ends in -2 like sum-2, but is a text model
    result = run("sum", "--model", "book-2", "--models-dir", tmp_path, stdin="1+1\n")
    assert result.returncode == 1 and result.stderr.strip() == "Error: book-2 is not a summation model (use sum-2 or sum-3)"
    folder = tmp_path / "sum-2"
    folder.mkdir()
    shutil.copy(store.model_path("sum-2") / store.CARD_FILE, folder)  # a real sum card, but no weights
    result = run("sum", "--models-dir", tmp_path, stdin="1+1\n")
    assert result.returncode == 1 and "weights.npz is missing" in result.stderr and "Traceback" not in result.stderr
    result = run("write", "--model", "sum-2", "--models-dir", tmp_path, "--prompt", "x")
    assert result.returncode == 1 and "sum-2 is not a text model" in result.stderr and "retrain" not in result.stderr
    (tmp_path / "book-2" / "weights.npz").unlink()
    result = run("write", "--model", "book-2", "--models-dir", tmp_path, "--prompt", "x")
    assert result.returncode == 1 and "'book-2': weights.npz is missing" in result.stderr


def test_the_writer_settings_have_one_range_each_shared_by_the_command_line_and_the_repl(tmp_path):
    from mlplay.text import app as writerepl
    from mlplay.text import commands

    assert (commands.TEMPERATURE, commands.LENGTH, commands.GHOST) == (writerepl.TEMPERATURE, writerepl.LENGTH,
                                                                         writerepl.GHOST)
    random_text_model(tmp_path)
    top = writerepl.LENGTH[1]
    result = run("write", "--model", "tiny", "--models-dir", tmp_path, "--prompt", "x", "--length", top + 1)
    assert result.returncode == 2 and "--length" in result.stderr and "Traceback" not in result.stderr
    settings = writerepl.Settings()
    assert settings.command(f":len {top + 1}") == f"length must be between 1 and {top:,}"
    assert settings.command(":temp 2.5") == "temperature must be between 0 and 2"
    settings.command(f":len {top}")
    assert settings.length == top
