"""The one exception type for expected failures, and the one place that prints them.

Every expected failure (bad input, missing or damaged model, no data, no network, no display) is an
`MlplayError`; `report` prints it as `Error: … (hint)`; the CLI then exits with status 1.
"""

import difflib
import sys


class MlplayError(Exception):
    """An expected failure: bad input, missing model or data, no network, no display."""

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message


def report(error: MlplayError, stream=None) -> None:
    """Print one expected failure as `Error: … (hint)` on stderr."""
    print(f"Error: {error}", file=stream or sys.stderr, flush=True)


def closest(name: str, choices) -> str | None:
    """The choice a mistyped `name` most likely meant, or None when nothing is close."""
    found = difflib.get_close_matches(name, sorted(set(choices)), n=1, cutoff=0.6)
    return found[0] if found else None
