"""The sum REPL driven through prompt_toolkit's pipe input (DummyOutput), and its scripted form `mlplay sum`."""

import json
import shutil

import pytest
from prompt_toolkit.output import DummyOutput

from mlplay import store

from repl import CTRL_C, CTRL_D, drive
from texthelpers import random_text_model


@pytest.fixture(scope="module")
def adder():
    """The shipped sum-2 (committed in models/, so required: a missing one fails the tests that use it)."""
    from mlplay.summation.adder import Adder

    return Adder(store.open("sum-2").file("weights.npz"), 2)


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


def test_scripted_sum_answers_one_line_each_and_reports_bad_lines(adder, mlplay):
    result = mlplay("sum", stdin="17+38\n1+2\nhello\n")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    lines = result.stdout.splitlines()
    assert lines == ["17+38 = 55 ✓", "1+2 = 3 ✓"]
    assert result.stderr.strip() == "Error: 'hello': only digits and + please (not 'h')"
    record = json.loads(mlplay("sum", "--jsonl", stdin="99+99\n").stdout)
    assert record["answer"] == 198 and record["correct"] and len(record["confidence"]) == 3


def test_sum_starts_without_tensorflow(mlplay):
    code = ("import sys; from mlplay.cli import app; app(['sum'], standalone_mode=False); "
            "print('tensorflow' in sys.modules)")
    out = mlplay.python("-c", code, stdin="1+1\n", timeout=60)
    assert out.returncode == 0 and out.stdout.splitlines() == ["1+1 = 2 ✓", "False"], out.stdout + out.stderr


def test_sum_refuses_the_wrong_kind_of_model_in_one_line(tmp_path, mlplay):
    random_text_model(tmp_path, "book-2")  # ends in -2 like sum-2, but is a text model
    result = mlplay("sum", "--model", "book-2", "--models-dir", tmp_path, stdin="1+1\n")
    assert result.returncode == 1
    assert result.stderr.strip() == "Error: book-2 is not a summation model (use sum-2 or sum-3)"
    folder = tmp_path / "sum-2"
    folder.mkdir()
    shutil.copy(store.model_path("sum-2") / store.CARD_FILE, folder)  # a real sum card, but no weights
    result = mlplay("sum", "--models-dir", tmp_path, stdin="1+1\n")
    assert result.returncode == 1 and "weights.npz is missing" in result.stderr and "Traceback" not in result.stderr
