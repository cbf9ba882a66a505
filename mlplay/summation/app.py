"""`mlplay sum`: type `17+38`; the model's answer and per-digit confidence update live in the bottom toolbar.

Pure formatting (`live`, `verdict`) is separate from the prompt_toolkit shell (`interactive`) and the
scripted mode (`script`), so both are testable without a terminal.
"""

import json
import re
import sys
from pathlib import Path

from mlplay.errors import MlplayError
from mlplay.summation.adder import Adder, Answer

_PARTIAL = re.compile(r"^\s*([0-9]+)\s*(\+?)\s*$")  # a first number, maybe its +, nothing after yet


def live(adder: Adder, text: str) -> str:
    """The toolbar line for what is typed so far."""
    if not text.strip():
        return f" type a sum with up to {adder.digits} digits per number, e.g. 17+38 · Enter checks · Ctrl-D quits"
    partial = _PARTIAL.match(text)
    if partial and len(partial.group(1).lstrip("0") or "0") > adder.digits:
        return f" at most {adder.digits} digits per number (0–{10**adder.digits - 1})"
    if partial:
        return f" {partial.group(1)} + …   (type + and the second number)" if not partial.group(2) else \
            f" {partial.group(1)} + …   (now the second number)"
    try:
        answer = adder.ask(text)
    except MlplayError as e:
        return f" {e.message}"
    bars = " ".join(f"{d}:{p:.0%}" for d, p in zip(answer.digits, answer.confidence))
    return f" {answer.a}+{answer.b} = {answer.value}   confidence per digit {bars}"


def verdict(answer: Answer) -> str:
    if answer.correct:
        return f"{answer.a}+{answer.b} = {answer.value} ✓"
    return f"{answer.a}+{answer.b} = {answer.value} ✗ (true sum {answer.a + answer.b})"


def record(answer: Answer) -> dict:
    return {"question": f"{answer.a}+{answer.b}", "answer": answer.value, "correct": answer.correct,
            "true_sum": answer.a + answer.b, "digits": answer.digits,
            "confidence": [round(p, 4) for p in answer.confidence]}


def script(adder: Adder, lines, jsonl: bool, out=sys.stdout, err=sys.stderr) -> int:
    """One answer per input line; bad lines get a one-line message on stderr. Returns the count of bad lines."""
    bad = 0
    for line in lines:
        line = line.rstrip("\n")
        if not line.strip():
            continue
        try:
            answer = adder.ask(line)
        except MlplayError as e:
            bad += 1
            shown = line if len(line) <= 40 else line[:37] + "…"
            if jsonl:
                print(json.dumps({"question": shown, "error": e.message}, ensure_ascii=False), file=out, flush=True)
            else:
                print(f"Error: {shown!r}: {e.message}", file=err, flush=True)
            continue
        print(json.dumps(record(answer), ensure_ascii=False) if jsonl else verdict(answer), file=out, flush=True)
    return bad


def interactive(adder: Adder, history: Path | None, input=None, output=None, emit=None) -> None:
    """The REPL: Enter prints the verdict, Ctrl-C clears the line, Ctrl-D (or :q) quits.

    `input`/`output` are prompt_toolkit's (tests pass a pipe input and DummyOutput); `emit` prints a line.
    """
    from prompt_toolkit import PromptSession
    from prompt_toolkit.history import FileHistory, InMemoryHistory

    if history is not None:
        history.parent.mkdir(parents=True, exist_ok=True)
    session = PromptSession(history=FileHistory(str(history)) if history else InMemoryHistory(),
                            input=input, output=output)
    say = emit or (lambda line: print(line, flush=True))
    say(f"sum-{adder.digits}: type a+b (numbers up to {10**adder.digits - 1}); Enter checks, Ctrl-D quits")
    while True:
        try:
            text = session.prompt("sum> ", bottom_toolbar=lambda: live(adder, session.default_buffer.text))
        except KeyboardInterrupt:
            continue
        except EOFError:
            break
        if text.strip() in (":q", ":quit", "exit"):
            break
        if not text.strip():
            continue
        try:
            say(verdict(adder.ask(text)))
        except MlplayError as e:
            say(e.message)


def run(digits: int, model: str | None, jsonl: bool, models_dir: Path | None) -> int:
    """`mlplay sum`: the live REPL on a terminal; lines from a pipe (or --jsonl) are scored. Returns the exit code."""
    from mlplay import gru, store
    from mlplay.paths import history_file

    name = model or f"sum-{digits}"
    opened = store.open(name, models_dir)
    digits = card_digits(opened.card.raw, name)
    adder = Adder(opened.file(gru.WEIGHTS_FILE), digits, name, f"rebuild it with: {opened.card.rebuild}")
    if not sys.stdin.isatty() or jsonl:
        return 1 if script(adder, sys.stdin, jsonl) else 0
    interactive(adder, history_file(name))
    return 0


def card_digits(card: dict, name: str) -> int:
    """The operand digits a summation model's card records (its name proves nothing)."""
    digits = card.get("data", {}).get("digits")
    if card.get("task") != "sequence-to-sequence" or digits not in (2, 3):
        raise MlplayError(f"{name} is not a summation model", "use sum-2 or sum-3")
    return digits
