"""`make smoke`: every model trained with --quick into a temporary models folder, then run once through its command,
in minutes: a broken step shows here before a user's two-hour `make train-all`.

    python -m mlplay.training.smoke [--shared DIR] [--only NAME,…]

`--shared DIR` is a folder of test data (the project's CI has one) for the experiments whose data no package
registry serves; without it they are skipped, and said so. Exit 1 when anything failed.
"""

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

from mlplay import registry


def fixtures(folder: Path) -> dict[str, str]:
    """A picture (a white 7 on black, 64×64) and a two-second 640×480 video of a hand-like blob, made here."""
    picture = folder / "picture.png"
    cv2.imwrite(str(picture), cv2.putText(np.zeros((64, 64), np.uint8), "7", (16, 52), 0, 1.8, 255, 5))
    video = folder / "video.avi"
    writer = cv2.VideoWriter(str(video), cv2.VideoWriter_fourcc(*"MJPG"), 15, (640, 480))
    for i in range(30):
        frame = np.full((480, 640, 3), 60, np.uint8)
        cv2.circle(frame, (300 + i, 240), 80, (120, 160, 210), -1)
        writer.write(frame)
    writer.release()
    return {"picture": str(picture), "video": str(video)}


def run(args: list[str], stdin: str | None = None, timeout: int = 900) -> tuple[bool, str]:
    result = subprocess.run([sys.executable, "-m", "mlplay", *args], input=stdin, capture_output=True, text=True,
                            timeout=timeout)
    tail = (result.stderr.strip() or result.stdout.strip()).splitlines()[-1:] or [""]
    return result.returncode == 0, tail[0][:160]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, help="a folder of test data (e.g. ../shared/data)")
    parser.add_argument("--only", help="these models only, comma-separated")
    args = parser.parse_args(argv)
    only = set(args.only.split(",")) if args.only else None
    failed, rows = 0, []
    with tempfile.TemporaryDirectory(prefix="mlplay-smoke-") as tmp:
        models, places = Path(tmp) / "models", fixtures(Path(tmp))
        for name, exp in registry.experiments().items():
            if not exp.trainable or (only and name not in only):
                continue
            command = ["train", name, "--quick", "--models-dir", str(models)]
            if exp.sample_data:
                data = args.shared / exp.sample_data if args.shared else None
                if data is None or not data.exists():
                    rows.append((name, "skipped",
                                 f"its data is not fetchable here: pass --shared (needs {exp.sample_data})"))
                    continue
                command += ["--data", str(data)]
            started = time.perf_counter()
            ok, said = run(command)
            if not ok:
                failed += 1
                rows.append((name, "TRAIN FAILED", said))
                continue
            quick = f"{name}-quick"
            for attempt in exp.smoke_tries:
                filled = [a.format(name=quick, models=models, **places) for a in attempt.args]
                ok, said = run(filled, attempt.stdin)
                failed += not ok
                rows.append((name, "ok" if ok else "RUN FAILED", f"mlplay {' '.join(attempt.args)}: {said}"))
            if not exp.smoke_tries:
                rows.append((name, "ok", "trained (no command to try it with)"))
            rows[-1] = (*rows[-1][:2], rows[-1][2] + f" ({time.perf_counter() - started:.0f} s)")
    for name, status, said in rows:
        print(f"{name:16} {status:12} {said}")
    print(f"smoke: {failed} failed" if failed else "smoke: all passed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
