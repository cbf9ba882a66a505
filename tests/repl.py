"""Drive a prompt_toolkit REPL headless: keys typed into a pipe, output to nowhere, printed lines collected."""

from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

CTRL_C, CTRL_D = "\x03", "\x04"


def drive(run, keys: str):
    """Run a REPL function with `keys` typed into it; return the lines it printed."""
    lines = []
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
        pipe.send_text(keys)
        run(pipe, lines.append)
    return lines

