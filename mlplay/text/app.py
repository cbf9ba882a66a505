"""`mlplay write`: type, and the model's continuation appears as grey ghost text (→ accepts it);
Enter streams a longer continuation that starts with the ghost text that was on screen, then writes on at the
temperature set. `:temp 0.5`, `:len 300`, `:ghost 40`, `:help`; Ctrl-C clears, Ctrl-D quits.

`Settings.command` (pure) handles the colon commands; `interactive` is the prompt_toolkit shell;
`scripted` is the non-interactive form (`--prompt`, or prompts piped on stdin).
"""

import json
import sys
from dataclasses import dataclass
from pathlib import Path

from mlplay.errors import MlplayError
from mlplay.text.writer import Ghost, TextModel

HELP = (":temp T  sampling temperature (0 = greedy: the likeliest char; 0.5 default, up to 2) · "
        ":len N  characters per Enter · :ghost N  ghost-text length (0 = off) · :seed N  fixed seed (:seed off) · "
        ":help · Ctrl-C clears · Ctrl-D quits")


# The settings' ranges, typed once: the CLI's options (mlplay/text/commands.py) and the REPL's :commands use these.
TEMPERATURE = (0.0, 2.0)
LENGTH = (1, 10_000)  # characters per continuation
GHOST = (0, 200)


@dataclass
class Settings:
    temperature: float = 0.5
    length: int = 300
    ghost: int = 40
    seed: int | None = None

    def command(self, line: str) -> str:
        """Apply a `:name value` command; return the message to show."""
        parts = line.strip()[1:].split()
        if not parts or parts[0] in ("help", "h", "?"):
            return HELP
        name, args = parts[0], parts[1:]
        fields = {"temp": ("temperature", float, TEMPERATURE), "t": ("temperature", float, TEMPERATURE),
                  "temperature": ("temperature", float, TEMPERATURE), "len": ("length", int, LENGTH),
                  "length": ("length", int, LENGTH), "l": ("length", int, LENGTH), "ghost": ("ghost", int, GHOST)}
        try:
            if name in fields:
                key, kind, (low, high) = fields[name]
                value = kind(args[0])
                if not low <= value <= high:
                    return f"{'ghost length' if key == 'ghost' else key} must be between {low:,g} and {high:,g}"
                setattr(self, key, value)
            elif name == "seed":
                self.seed = None if args[0] == "off" else int(args[0])
            else:
                return f"unknown command :{name} ({HELP})"
        except (IndexError, ValueError):
            return f"usage: :{name} VALUE"
        return self.describe()

    def describe(self) -> str:
        seed = "random" if self.seed is None else self.seed
        greedy = " (greedy: always the likeliest character)" if self.temperature == 0 else ""
        return f"temperature {self.temperature:g}{greedy} · length {self.length} · ghost {self.ghost} · seed {seed}"


def dropped_notice(model: TextModel, text: str) -> str | None:
    dropped = model.encode(text).dropped
    if not dropped:
        return None
    shown = "".join(dropped[:10]) + ("…" if len(dropped) > 10 else "")
    return f"(dropped characters the model does not know: {shown!r})"


def scripted(model: TextModel, prompts, settings: Settings, jsonl: bool, out=sys.stdout, err=sys.stderr) -> None:
    """Print each prompt with its continuation (deterministic for a given seed)."""
    for prompt in prompts:
        notice = dropped_notice(model, prompt)
        if notice:
            print(notice, file=err)
        text = "".join(model.generate(prompt, settings.length, settings.temperature, settings.seed))
        if jsonl:
            print(json.dumps({"model": model.name, "prompt": prompt, "continuation": text,
                              "temperature": settings.temperature, "seed": settings.seed}, ensure_ascii=False),
                  file=out, flush=True)
        else:  # the prompt, then what the model wrote after it (--jsonl keeps them apart)
            print(prompt + text, file=out, flush=True)


class Shown:
    """The ghost text on screen and the text it continues: what Enter's continuation starts with."""

    def __init__(self, model: TextModel, settings: Settings):
        self.ghost, self.settings = Ghost(model), settings
        self.text, self.suggestion = None, ""

    def suggest(self, text: str) -> str:
        """The ghost text for `text` (its first line: the prompt is one line), remembered as on screen."""
        suggestion = ""
        if self.settings.ghost > 0 and text and not text.startswith(":") and "\n" not in text:
            self.ghost.length = self.settings.ghost
            suggestion = self.ghost(text).split("\n")[0]
        self.text, self.suggestion = text, suggestion
        return suggestion

    def for_enter(self, text: str) -> str:
        """The ghost text that was on screen when `text` was entered ("" if none was)."""
        return self.suggestion if text == self.text else ""


def continuation(model: TextModel, prompt: str, ghost: str, settings: Settings):
    """`settings.length` characters: the ghost text first (what the user saw), then the model writing on."""
    yield from ghost[: settings.length]
    rest = settings.length - len(ghost)
    if rest > 0:
        yield from model.generate(prompt + ghost, rest, settings.temperature, settings.seed)


def _auto_suggest(shown: Shown):
    from prompt_toolkit.auto_suggest import AutoSuggest, Suggestion

    class ModelSuggest(AutoSuggest):
        """The model's likeliest continuation of the text typed so far, shown in grey (on the UI thread:
        a plain AutoSuggest, one step a keypress plus the ghost's length, no lock needed)."""

        def get_suggestion(self, buffer, document):
            suggestion = shown.suggest(document.text)
            return Suggestion(suggestion) if suggestion else None

    return ModelSuggest()


def interactive(model: TextModel, settings: Settings, history: Path | None, input=None, output=None,
                console=None) -> None:
    from prompt_toolkit import PromptSession
    from prompt_toolkit.history import FileHistory, InMemoryHistory
    from rich.console import Console
    from rich.markup import escape

    console = console or Console(highlight=False)
    if history is not None:
        history.parent.mkdir(parents=True, exist_ok=True)
    shown = Shown(model, settings)
    session = PromptSession(history=FileHistory(str(history)) if history else InMemoryHistory(),
                            auto_suggest=_auto_suggest(shown), input=input, output=output)
    console.print(f"[bold]{escape(model.name)}[/]: start typing; grey ghost text is the model's guess (→ accepts it), "
                  "Enter writes on from it. :help for commands, Ctrl-D quits.")
    console.print(f"[dim]{settings.describe()}[/]")
    while True:
        try:
            text = session.prompt("write> ", bottom_toolbar=lambda: " " + settings.describe() + " · :help")
        except KeyboardInterrupt:
            continue
        except EOFError:
            break
        if text.startswith(":"):
            if text.strip() in (":q", ":quit"):
                break
            console.print(settings.command(text), markup=False)
            continue
        notice = dropped_notice(model, text)
        if notice:
            console.print(notice, style="yellow", markup=False)
        stream(model, text, settings, console, shown.for_enter(text))


def stream(model: TextModel, prompt: str, settings: Settings, console, ghost: str = "") -> None:
    """Print the prompt (literally: no markup) then the continuation as it is generated, starting with the
    ghost text that was on screen; Ctrl-C stops it early."""
    console.print(prompt, style="bold", end="", markup=False)
    chunk = []
    try:
        for char in continuation(model, prompt, ghost, settings):
            chunk.append(char)
            if len(chunk) >= 8 or char == "\n":
                console.print("".join(chunk), style="cyan", end="", markup=False)
                chunk = []
    except KeyboardInterrupt:
        pass
    console.print("".join(chunk), style="cyan", markup=False)


def run(name: str | None, prompt: str | None, settings: Settings, jsonl: bool, models_dir: Path | None) -> None:
    """`mlplay write`: one continuation of --prompt, one a line from a pipe, or the interactive writer."""
    from mlplay.paths import history_file

    if not name:
        raise MlplayError("which model?", "e.g. mlplay write shakespeare, or --model NAME")
    model = TextModel.open(name, models_dir)
    if prompt is not None:
        scripted(model, [prompt], settings, jsonl)
    elif not sys.stdin.isatty():
        scripted(model, (line.rstrip("\n") for line in sys.stdin), settings, jsonl)
    else:
        interactive(model, settings, history_file(f"write-{name}"))
