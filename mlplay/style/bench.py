"""Speed of style transfer against the goals of issue 23, and against the naive way:

- `mlplay style` on one photo, cold (a new process: start, load, paint, write), with the style's bottleneck cached
  and with an empty cache;
- a style bottleneck: cached (from disk, in a fresh cache object) and computed (read the picture, style network);
- the transfer network alone (the shipped uint8 one, and the float16 one beside it when its source is given);
- the `camera style` loop on a 640×480 stream at 30 frames/s: painting on a thread beside the display loop
  (frames shown a second, frames painted a second), against painting inside the loop (the naive way: the window
  waits for every painting);
- the size of everything shipped for style.

Frames and photos are generated (speed does not depend on what they show), so it needs nothing but the repository.
The display is simulated: each frame waits for its turn as cv2.waitKey would, without drawing a window (the window
tests under Xvfb print the real loop's speed). Run it alone: `python -m mlplay.style.bench`; the install script
also times the float16 transfer network, which is not shipped.
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

GOALS = {"cold_s": 1.5, "cached_ms": 5.0, "uncached_ms": 150.0, "display_fps": 25.0, "painted_fps": 3.0,
         "shipped_mb": 4.0}


def picture(size=(480, 640), seed=0) -> np.ndarray:
    """A smooth random colour field with a few shapes, like a photo to a decoder and a network."""
    rng = np.random.default_rng(seed)
    small = rng.integers(0, 255, (max(2, size[0] // 40), max(2, size[1] // 40), 3), dtype=np.uint8)
    image = cv2.resize(small, (size[1], size[0]), interpolation=cv2.INTER_CUBIC)
    cv2.circle(image, (size[1] // 3, size[0] // 2), size[0] // 5, (250, 250, 250), -1)
    cv2.rectangle(image, (size[1] // 2, size[0] // 4), (size[1] * 3 // 4, size[0] * 3 // 4), (30, 60, 200), -1)
    return image


def median_ms(fn, repeats: int = 20, warmup: int = 2) -> float:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        began = time.perf_counter()
        fn()
        times.append(time.perf_counter() - began)
    return 1000 * statistics.median(times)


def cold_seconds(models_dir: Path | None, repeats: int = 5) -> dict:
    """`mlplay style photo.jpg --style great_wave` in a new process, wall seconds (median): with the bottleneck
    cached (after a first run) and with an empty cache each time."""
    import subprocess

    with tempfile.TemporaryDirectory() as tmp:
        photo = Path(tmp) / "photo.jpg"
        cv2.imwrite(str(photo), picture((341, 512)))
        env = {**os.environ, "MLPLAY_RUNS": str(Path(tmp) / "runs"), "MLPLAY_DATA": str(Path(tmp) / "data")}
        if models_dir:
            env["MLPLAY_MODELS"] = str(models_dir)
        command = [sys.executable, "-m", "mlplay", "style", str(photo), "--style", "great_wave"]

        def run(environment):
            began = time.perf_counter()
            subprocess.run(command, check=True, capture_output=True, env=environment)
            return time.perf_counter() - began

        run(env)  # fills the cache (and the OS's file cache)
        cached = statistics.median(run(env) for _ in range(repeats))
        empty = statistics.median(run({**env, "MLPLAY_DATA": str(Path(tmp) / f"empty{i}")}) for i in range(repeats))
    return {"cold_cached_s": round(cached, 3), "cold_uncached_s": round(empty, 3)}


def bottleneck_ms(model) -> dict:
    """A style's bottleneck from the disk cache (a fresh cache object each time, so not from memory) and computed
    (read and decode the painting, run the style network, which is loaded by then)."""
    from mlplay.style.bottlenecks import Bottlenecks
    from mlplay.style.painter import STYLE_NETWORK

    style = next(s for s in model.styles if s.name == "great_wave")
    network_sha = model.card["sha256"][STYLE_NETWORK]
    with tempfile.TemporaryDirectory() as tmp:
        Bottlenecks(model.styliser.bottleneck, network_sha, Path(tmp))(style)  # on disk now
        cached = median_ms(lambda: Bottlenecks(model.styliser.bottleneck, network_sha, Path(tmp))(style))
        fresh = iter(range(10**6))
        uncached = median_ms(lambda: Bottlenecks(model.styliser.bottleneck, network_sha,
                                                 Path(tmp) / f"empty{next(fresh)}")(style), repeats=10)
    began = time.perf_counter()
    model.network(STYLE_NETWORK)
    load = 1000 * (time.perf_counter() - began)
    return {"bottleneck_cached_ms": round(cached, 3), "bottleneck_uncached_ms": round(uncached, 1),
            "style_network_load_ms": round(load, 1)}


def transfer_ms(model, f16: Path | None = None) -> dict:
    """The transfer network alone, and the whole painting of a 640×480 frame (letterbox, network, cut, resize)."""
    from mlplay.litert import LiteModel
    from mlplay.style.stylise import SIZE, Styliser

    style = model.bottlenecks(model.styles[0])
    square = picture((SIZE, SIZE))
    frame = picture()
    result = {"transfer_uint8_ms": round(median_ms(lambda: model.styliser.paint_square(square, style)), 1),
              "paint_640x480_ms": round(median_ms(lambda: model.styliser(frame, style)), 1),
              "paint_640x480_strength_0.5_ms": round(median_ms(lambda: model.styliser(frame, style, 0.5)), 1)}
    if f16 and Path(f16).is_file():
        other = Styliser(LiteModel(Path(f16), 2), lambda: None)
        result["transfer_f16_ms"] = round(median_ms(lambda: other.paint_square(square, style)), 1)
    return result


class PacedDisplay:
    """A display that shows nothing but waits for each key poll as long as asked (as cv2.waitKey does), so a file
    source plays at its own frame rate."""

    def show(self, frame):
        pass

    def poll(self, wait_ms: int = 1):
        time.sleep(max(1, wait_ms) / 1000)
        return None

    def closed(self) -> bool:
        return False

    def close(self) -> None:
        pass


def camera_loop(model, seconds: float = 10.0, threaded: bool = True) -> dict:
    """The camera style loop on a 640×480 stream at 30 frames/s for `seconds`: frames shown and painted a second."""
    from mlplay.shell.camera import FrameListSource, run_camera
    from mlplay.style.app import StyleApp
    from mlplay.style.worker import Inline, Worker

    frames = [picture(seed=i % 10) for i in range(int(30 * seconds))]
    bottlenecks = [model.bottlenecks(s) for s in model.styles]

    def paint(frame, job):
        return model.styliser(frame, bottlenecks[job.style], job.strength)

    painter = Worker(paint) if threaded else Inline(paint)
    app = StyleApp([(s.title, picture((200, 300))) for s in model.styles], painter)
    try:
        with open(os.devnull, "w") as quiet:
            stats = run_camera(app, FrameListSource(frames, fps=30.0), show=True, save=False,
                               display=PacedDisplay(), log=quiet)
    finally:
        painter.close()
    return {"display_fps": round(stats.fps, 1), "painted_fps": round(painter.count / stats.seconds, 2),
            "compose_ms": round(1000 * app.compose_seconds / max(1, app.frames), 2)}


def shipped_mb(models_dir: Path | None = None) -> float:
    from mlplay.style.painter import open_model

    return round(open_model(models_dir).size / 1e6, 3)


def measure(models_dir: Path | None = None, f16: Path | None = None, log=print) -> dict:
    """Every figure, as the card records them."""
    from mlplay.style.painter import StyleModel

    model = StyleModel(models_dir)
    figures = {"load_average": round(os.getloadavg()[0], 2), "cores": os.cpu_count()}
    figures.update(cold_seconds(models_dir))
    log("cold start measured")
    figures.update(bottleneck_ms(model))
    figures.update(transfer_ms(model, f16))
    log("networks measured")
    threaded, naive = camera_loop(model, threaded=True), camera_loop(model, threaded=False)
    figures.update({"camera_" + k: v for k, v in threaded.items()})
    figures.update({"camera_inline_" + k: v for k, v in naive.items()})
    figures["shipped_mb"] = shipped_mb(models_dir)
    log("camera loop measured")
    return figures


def table(figures: dict) -> None:
    from rich.table import Table

    from mlplay.bench import console, goal

    g = GOALS
    rows = [
        ("mlplay style, one photo, cold (bottleneck cached)", f"{figures['cold_cached_s']:.2f} s",
         f"≤ {g['cold_s']} s", goal(figures["cold_cached_s"] <= g["cold_s"])),
        ("  the same with an empty cache", f"{figures['cold_uncached_s']:.2f} s", "", ""),
        ("style bottleneck, cached (disk)", f"{figures['bottleneck_cached_ms']:.2f} ms", f"≤ {g['cached_ms']:g} ms",
         goal(figures["bottleneck_cached_ms"] <= g["cached_ms"])),
        ("style bottleneck, computed (read picture + network)", f"{figures['bottleneck_uncached_ms']:.1f} ms",
         f"≤ {g['uncached_ms']:g} ms", goal(figures["bottleneck_uncached_ms"] <= g["uncached_ms"])),
        ("  loading the style network once", f"{figures['style_network_load_ms']:.0f} ms", "", ""),
        ("transfer network alone, uint8 (shipped)", f"{figures['transfer_uint8_ms']:.0f} ms", "", ""),
        *([("transfer network alone, float16 (not shipped)", f"{figures['transfer_f16_ms']:.0f} ms", "", "")]
          if "transfer_f16_ms" in figures else []),
        ("painting a 640×480 frame (strength 1 / 0.5)",
         f"{figures['paint_640x480_ms']:.0f} / {figures['paint_640x480_strength_0.5_ms']:.0f} ms", "", ""),
        ("camera style 640×480 @30: frames shown a second", f"{figures['camera_display_fps']:.1f}",
         f"≥ {g['display_fps']:g}", goal(figures["camera_display_fps"] >= g["display_fps"])),
        ("  frames painted a second (thread beside the loop)", f"{figures['camera_painted_fps']:.1f}",
         f"≥ {g['painted_fps']:g}", goal(figures["camera_painted_fps"] >= g["painted_fps"])),
        ("  naive: painting inside the loop, frames shown a second", f"{figures['camera_inline_display_fps']:.1f}",
         "", f"{figures['camera_display_fps'] / max(figures['camera_inline_display_fps'], 1e-6):.1f}× fewer"),
        ("models/magenta-style (networks + paintings)", f"{figures['shipped_mb']:.2f} MB", f"≤ {g['shipped_mb']:g} MB",
         goal(figures["shipped_mb"] <= g["shipped_mb"])),
    ]
    out = Table("what (2 LiteRT threads)", "measured", "goal", "", title="style transfer")
    for row in rows:
        out.add_row(*row)
    console.print(out)
    console.print(f"load average when measured: {figures['load_average']} on {figures['cores']} cores")


def run() -> None:
    table(measure(log=lambda *_: None))


if __name__ == "__main__":
    from mlplay.bench import main

    main(run)
