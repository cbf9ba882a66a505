"""`mlplay dream digits`: its options checked before anything loads (each mistake is one line), then the window or
the pictures."""

import secrets
from pathlib import Path

from mlplay.errors import MlplayError

DEFAULT_COUNT = 100
MOST = 100_000


def parse_digit(digit: str | None) -> int | None:
    if digit is None:
        return None
    if digit.strip() not in [str(d) for d in range(10)]:
        raise MlplayError(f"--digit {digit}: not a digit", "give one of 0 to 9, e.g. --digit 3")
    return int(digit)


def run(digit: str | None, count: int | None, out: Path | None, seed: int | None, jsonl: bool,
        models_root: Path | None, model: str = "digits-gen") -> None:
    wanted = parse_digit(digit)
    if seed is not None and seed < 0:
        raise MlplayError(f"--seed {seed}: must be 0 or more")
    if count is not None and not 1 <= count <= MOST:
        raise MlplayError(f"--count {count}: out of range", f"give 1 to {MOST:,}, e.g. --count 20")
    if out is None:
        if count is not None or jsonl:
            raise MlplayError(f"{'--count' if count is not None else '--jsonl'} is for writing pictures",
                              "add --out DIR, e.g. --out threes")
        from mlplay.dream import app

        app.run(models_root, seed, wanted, model)
        return
    from mlplay.dream import pictures
    from mlplay.dream.dreamer import Dreamer

    pictures.check_out(out)  # before loading the generator: a bad folder fails at once
    seed = secrets.randbelow(2**31) if seed is None else seed
    pictures.write(Dreamer(model, models_root), wanted, count or DEFAULT_COUNT, out, seed, jsonl)
