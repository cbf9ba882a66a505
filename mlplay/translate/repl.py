"""The prompt_toolkit shell of `mlplay translate`: type English, the French grows in the bottom toolbar as you type;
Enter prints the pair; history is kept; Ctrl-C clears the line, Ctrl-D quits. Everything it shows comes from
app.Session."""

from pathlib import Path

from mlplay.translate.app import Session


def interactive(session: Session, history: Path | None, input=None, output=None, emit=None) -> None:
    """`input`/`output` are prompt_toolkit's (tests pass a pipe input and DummyOutput); `emit` prints a line."""
    from prompt_toolkit import PromptSession
    from prompt_toolkit.history import FileHistory, InMemoryHistory

    if history is not None:
        history.parent.mkdir(parents=True, exist_ok=True)
    prompt = PromptSession(history=FileHistory(str(history)) if history else InMemoryHistory(), input=input,
                           output=output)
    say = emit or (lambda line: print(line, flush=True))
    say("English → French: type a sentence, its translation grows in the bottom bar; Enter prints the pair. "
        ":attention shows where each word looked, :help, Ctrl-D quits.")
    while True:
        try:
            text = prompt.prompt("en> ", bottom_toolbar=lambda: session.live(prompt.default_buffer.text))
        except KeyboardInterrupt:
            continue
        except EOFError:
            break
        if text.strip() in (":q", ":quit"):
            break
        for line in session.enter(text):
            say(line)
