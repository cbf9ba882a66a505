"""The one exception type the CLI turns into `Error: … (hint)` and exit code 1."""


class MlplayError(Exception):
    """An expected failure: bad input, missing model or data, no network, no display."""

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message
