"""The writer's REPL driven through prompt_toolkit's pipe input (DummyOutput), and its scripted form `mlplay write`."""

import json
import shutil

from prompt_toolkit.output import DummyOutput

from mlplay import store
from mlplay.text.writer import TextModel

from repl import CTRL_C, CTRL_D, drive
from texthelpers import random_text_model


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


def test_scripted_write_is_deterministic_for_a_seed(tmp_path, mlplay):
    random_text_model(tmp_path)
    args = ["write", "--model", "tiny", "--models-dir", tmp_path, "--prompt", "ROMEO:", "--length", 120,
            "--temperature", 0.5]
    a, b, c = mlplay(*args, "--seed", 1), mlplay(*args, "--seed", 1), mlplay(*args, "--seed", 2)
    assert a.returncode == 0, a.stderr
    assert a.stdout == b.stdout != c.stdout and a.stdout.startswith("ROMEO:") and len(a.stdout) == 6 + 121
    piped = mlplay("write", "--model", "tiny", "--models-dir", tmp_path, "--jsonl", "--seed", 1, "--length", 120,
                "--temperature", 0.5, stdin="ROMEO:\nJULIET:\n")
    records = [json.loads(line) for line in piped.stdout.splitlines()]
    assert [r["prompt"] for r in records] == ["ROMEO:", "JULIET:"]
    assert "ROMEO:" + records[0]["continuation"] + "\n" == a.stdout


def test_write_bad_input_is_one_line_error(tmp_path, mlplay):
    result = mlplay("write", "--model", "nothing", "--models-dir", tmp_path, "--prompt", "x")
    assert result.returncode == 1 and result.stderr.startswith("Error: no model 'nothing'")
    assert "Traceback" not in result.stderr
    result = mlplay("write", "--models-dir", tmp_path, "--prompt", "x")
    assert result.returncode == 1 and "which model" in result.stderr
    random_text_model(tmp_path)
    result = mlplay("write", "--model", "tiny", "--models-dir", tmp_path, "--prompt", "✓✓ unicode ✓", "--length", 5)
    assert result.returncode == 0 and "dropped characters" in result.stderr
    assert result.stdout.startswith("✓✓ unicode ✓") and len(result.stdout) == len("✓✓ unicode ✓") + 6
    result = mlplay("write", "--model", "tiny", "--models-dir", tmp_path, "--prompt", "x", "--temperature", "-1")
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_write_starts_without_tensorflow(tmp_path, mlplay):
    random_text_model(tmp_path)
    code = ("import sys; from mlplay.cli import app; "
            "app(['write', '--model', 'tiny', '--models-dir', sys.argv[1], '--prompt', 'a', '--length', '3'], "
            "standalone_mode=False); print('tensorflow' in sys.modules)")
    out = mlplay.python("-c", code, tmp_path, timeout=60)
    assert out.stdout.strip().endswith("False"), out.stderr


def test_write_refuses_the_wrong_kind_of_model_in_one_line(tmp_path, mlplay):
    random_text_model(tmp_path, "book-2")  # ends in -2 like sum-2, but is a text model
    folder = tmp_path / "sum-2"
    folder.mkdir()
    shutil.copy(store.model_path("sum-2") / store.CARD_FILE, folder)  # a real sum card
    result = mlplay("write", "--model", "sum-2", "--models-dir", tmp_path, "--prompt", "x")
    assert result.returncode == 1 and "sum-2 is not a text model" in result.stderr and "retrain" not in result.stderr
    (tmp_path / "book-2" / "weights.npz").unlink()
    result = mlplay("write", "--model", "book-2", "--models-dir", tmp_path, "--prompt", "x")
    assert result.returncode == 1 and "'book-2': weights.npz is missing" in result.stderr


def test_the_writer_settings_have_one_range_each_shared_by_the_command_line_and_the_repl():
    from mlplay.text import app as writerepl, commands

    assert (commands.TEMPERATURE, commands.LENGTH, commands.GHOST) == (writerepl.TEMPERATURE, writerepl.LENGTH,
                                                                         writerepl.GHOST)
    top = writerepl.LENGTH[1]
    settings = writerepl.Settings()
    assert settings.command(f":len {top + 1}") == f"length must be between 1 and {top:,}"
    assert settings.command(":temp 2.5") == "temperature must be between 0 and 2"
    settings.command(f":len {top}")
    assert settings.length == top


def test_write_refuses_a_length_beyond_the_range_in_one_line(tmp_path, mlplay):
    from mlplay.text import app as writerepl

    random_text_model(tmp_path)
    result = mlplay("write", "--model", "tiny", "--models-dir", tmp_path, "--prompt", "x", "--length",
                    writerepl.LENGTH[1] + 1)
    assert result.returncode == 2 and "--length" in result.stderr and "Traceback" not in result.stderr
