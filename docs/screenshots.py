"""`make screenshots`: the pictures in the README and docs/, taken of the real windows with the shipped models.

Each window runs as a user would run it, on a virtual X display (Xvfb), driven by xdotool, on real input from the
shared data folder (`../shared/data`, see its README):

- draw-digits.png     `mlplay draw digits`: a digit a person wrote on a tablet (UCI pendigits), drawn with the mouse
- draw-sketches.png   `mlplay draw sketches`: a person's Quick, Draw! drawing (a held-out row), traced with the mouse
- camera-rps.png      `mlplay camera rps --auto`: a video of held-out real photos of hands (rps-real)
- write.png           `mlplay write shakespeare` in xterm: a line typed with xdotool, then the ghost text
- camera-detect.png   `mlplay camera detect`: a video of a real photo (google-coral test photos)
- classify.png        `mlplay classify --window` on a real photo (google-coral test photos)
- camera-teach.png    `mlplay camera teach`: a video of real photos of hands (rps-real), number keys held with xdotool
                      while each gesture shows, t, then a held-out photo named live (needs `mlplay data fetch
                      mobilenet-v2`, done here when it is not in datasets/)
- dream-grid.png      `mlplay dream digits --seed 7`: the generator's 10 × 10 grid (it needs no input)
- dream-walk.png      the same, a click on a three: the walk through the latent space from it, shown large
- draw-digits-dreams.png  `mlplay draw digits` and `g`: the pendigits 3 again, with the generator's threes under it

It writes the PNGs and `screenshots.json` (what each picture shows: the input, and what the model answered) into
docs/img/. Nothing is installed: a missing tool is named with its Debian package, and the command exits 1; without
the shared data folder it says so and writes nothing.

    python docs/screenshots.py [--shared ../shared/data] [--out docs/img] [--only draw-digits,write]
"""

import argparse
import json
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import cv2
import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # this checkout's mlplay, for the few helpers used here (the windows run it too)
TOOLS = {"Xvfb": "xvfb", "xdotool": "xdotool", "import": "imagemagick", "convert": "imagemagick", "xterm": "xterm",
         "tmux": "tmux"}
SCREEN = (1280, 900)
MAX_BYTES = 150_000  # each picture, at most
FPS = 30


# -- the virtual display and the windows on it ---------------------------------------------------------------------

class Display:
    """An Xvfb of its own, on a display number nobody uses; `env` runs programs on it."""

    last = 300 + os.getpid() % 500  # a new number every time: a server's number reused at once troubled Qt

    def __init__(self):
        number = Display.last
        while True:
            number += 1
            if not (Path(f"/tmp/.X{number}-lock").exists() or Path(f"/tmp/.X11-unix/X{number}").exists()):
                break
        Display.last = number
        self.proc = subprocess.Popen(["Xvfb", f":{number}", "-screen", "0", f"{SCREEN[0]}x{SCREEN[1]}x24",
                                      "-nolisten", "tcp", "-noreset"],  # no reset as the probe leaves
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.env = {**os.environ, "DISPLAY": f":{number}"}
        deadline = time.time() + 20
        while self.xdotool("getdisplaygeometry", check=False).returncode != 0:
            if self.proc.poll() is not None or time.time() > deadline:
                raise SystemExit(f"screenshots: Xvfb did not start on :{number}")
            time.sleep(0.1)

    def xdotool(self, *args, check=True):
        return subprocess.run(["xdotool", *args], env=self.env, capture_output=True, text=True, timeout=30,
                              check=check)

    def window(self, title: str, proc: subprocess.Popen, timeout: float = 90) -> "Window":
        """The visible window called `title`, once its size has settled (it grows when the first frame shows)."""
        deadline = time.time() + timeout
        while True:
            found = self.xdotool("search", "--onlyvisible", "--name", f"^{title}$", check=False)
            if found.returncode == 0 and found.stdout.strip():
                return Window(self, found.stdout.split()[0])
            if proc.poll() is not None:
                raise SystemExit(f"screenshots: the command for '{title}' ended ({proc.returncode}): "
                                 f"{proc.stderr.read()[-1500:] if proc.stderr else ''}")
            if time.time() > deadline:
                raise SystemExit(f"screenshots: no window '{title}' after {timeout} s")
            time.sleep(0.2)

    def close(self):
        self.proc.terminate()
        self.proc.wait()


class Window:
    def __init__(self, display: Display, wid: str):
        self.display, self.id = display, wid
        last, same = None, 0
        for _ in range(100):
            g = self.geometry()
            same = same + 1 if g == last else 0
            if same >= 4:
                break
            last = g
            time.sleep(0.1)
        self.x, self.y, self.width, self.height = last["X"], last["Y"], last["WIDTH"], last["HEIGHT"]

    def geometry(self) -> dict:
        out = self.display.xdotool("getwindowgeometry", "--shell", self.id).stdout
        return {k: int(v) for k, v in (line.split("=") for line in out.split())}

    def stroke(self, points) -> None:
        """Press the left button at the first point, move through the others, release (window coordinates)."""
        x0, y0 = points[0]
        self.display.xdotool("mousemove", "--sync", str(self.x + x0), str(self.y + y0), "mousedown", "1")
        for x, y in points[1:]:
            self.display.xdotool("mousemove", "--sync", str(self.x + x), str(self.y + y))
            time.sleep(0.004)
        self.display.xdotool("mouseup", "1")

    def focus(self) -> None:
        self.display.xdotool("windowfocus", "--sync", self.id, check=False)

    def grab(self) -> np.ndarray:
        """The window's part of the screen (ImageMagick's import of the whole screen, cut to the window). A window
        not painted yet is all one colour: then look again a little later."""
        for _ in range(20):
            g = self.geometry()
            png = subprocess.run(["import", "-window", "root", "png:-"], env=self.display.env, capture_output=True,
                                 timeout=60, check=True).stdout
            screen = cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_COLOR)
            picture = screen[g["Y"]:g["Y"] + g["HEIGHT"], g["X"]:g["X"] + g["WIDTH"]]
            if picture.size and picture.std() > 2:
                return picture
            time.sleep(0.5)
        raise SystemExit("screenshots: the window stayed blank")


class Lines:
    """A process's stdout, line by line, read on a thread (so a wait can time out)."""

    def __init__(self, stream):
        self.queue = queue.Queue()
        threading.Thread(target=lambda: [self.queue.put(line) for line in stream], daemon=True).start()

    def next(self, timeout: float = 90) -> str:
        try:
            return self.queue.get(timeout=timeout)
        except queue.Empty:
            raise SystemExit(f"screenshots: no output from the command after {timeout} s") from None


def mlplay(ctx, *args) -> subprocess.Popen:
    """`mlplay ARGS` on the virtual display, from this checkout, with data and runs in a scratch folder."""
    return subprocess.Popen([sys.executable, "-m", "mlplay", *args], env=ctx.env, cwd=REPO, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


# -- strokes from real data ---------------------------------------------------------------------------------------

def catmull_rom(points, steps: int = 10) -> list[tuple[int, int]]:
    """A smooth curve through the points, as a pen moves between the samples a tablet recorded."""
    p = np.asarray(points, float)
    p = np.vstack([p[0], p, p[-1]])
    out = []
    for i in range(1, len(p) - 2):
        p0, p1, p2, p3 = p[i - 1], p[i], p[i + 1], p[i + 2]
        for t in np.linspace(0, 1, steps, endpoint=False):
            out.append(0.5 * (2 * p1 + (p2 - p0) * t + (2 * p0 - 5 * p1 + 4 * p2 - p3) * t * t
                              + (3 * p1 - p0 - 3 * p2 + p3) * t ** 3))
    out.append(p[-2])
    return [(round(x), round(y)) for x, y in out]


def pendigit(path: Path, digit: int) -> tuple[int, np.ndarray]:
    """The first line of UCI pendigits.tra with this label: (line number from 1, 8 (x, y) points, y upward, 0–100)."""
    for number, line in enumerate(path.read_text().splitlines(), 1):
        values = [int(v) for v in line.split(",")]
        if values[16] == digit:
            return number, np.asarray(values[:16], float).reshape(8, 2)
    raise SystemExit(f"screenshots: no {digit} in {path}")


def pen_stroke(points: np.ndarray, centre=(200, 200), height: int = 270, aspect: float = 0.75):
    """Pendigits' 8 points (the file stretches each digit to fill 0–100 both ways) into an upright box on the
    canvas, y downward, joined by a smooth curve."""
    x = centre[0] + (points[:, 0] - 50) / 100 * height * aspect
    y = centre[1] + (50 - points[:, 1]) / 100 * height
    return catmull_rom(np.stack([x, y], 1))


def thin(image: np.ndarray) -> np.ndarray:
    """Zhang-Suen thinning of a binary image (1 = ink) to lines one pixel wide."""
    img = np.pad(image.astype(np.uint8), 1)
    changed = True
    while changed:
        changed = False
        for step in (0, 1):
            p = [np.roll(np.roll(img, -dy, 0), -dx, 1) for dy, dx in
                 ((-1, 0), (-1, 1), (0, 1), (1, 1), (1, 0), (1, -1), (0, -1), (-1, -1))]  # P2 … P9
            neighbours = sum(p)
            transitions = sum((p[i] == 0) & (p[(i + 1) % 8] == 1) for i in range(8))
            if step == 0:
                a, b = p[0] * p[2] * p[4], p[2] * p[4] * p[6]
            else:
                a, b = p[0] * p[2] * p[6], p[0] * p[4] * p[6]
            remove = (img == 1) & (neighbours >= 2) & (neighbours <= 6) & (transitions == 1) & (a == 0) & (b == 0)
            if remove.any():
                img[remove] = 0
                changed = True
    return img[1:-1, 1:-1]


def trace(skeleton: np.ndarray) -> list[list[tuple[int, int]]]:
    """Strokes (x, y pixel paths) that cover a one-pixel-wide skeleton: each starts at a loose end where there is
    one, walks on as straight as it can, then joins the line it ran into (a loop's start, a crossing). A small
    separate blob (a dot, an eye) is one point; short spurs that thinning leaves on a line are dropped."""
    ink = {(int(x), int(y)) for y, x in zip(*np.nonzero(skeleton))}

    def near(p):
        return [(p[0] + dx, p[1] + dy) for dy in (-1, 0, 1) for dx in (-1, 0, 1)
                if (dx or dy) and (p[0] + dx, p[1] + dy) in ink]

    def step(a, b):
        return abs(a[0] - b[0]) + abs(a[1] - b[1])

    component, count = {}, 0
    for seed in sorted(ink):  # connected parts of the skeleton, to tell a dot from a spur
        if seed in component:
            continue
        count, todo = count + 1, [seed]
        while todo:
            p = todo.pop()
            if p not in component:
                component[p] = count
                todo += [q for q in near(p) if q not in component]
    sizes = np.bincount(list(component.values()))
    left, strokes = set(ink), []
    while left:
        start = min(left, key=lambda p: (len([q for q in near(p) if q in left]), p[1], p[0]))
        path = [start]
        left.discard(start)
        while True:
            options = [q for q in near(path[-1]) if q in left]
            if not options:
                break
            heading = np.subtract(path[-1], path[-2]) if len(path) > 1 else np.zeros(2)
            options.sort(key=lambda q: (-float(np.dot(np.subtract(q, path[-1]), heading)), step(q, path[-1])))
            path.append(options[0])
            left.discard(options[0])
        if sizes[component[start]] <= 12:  # a blob of its own: a dot
            centre = np.mean([p for p in ink if component[p] == component[start]], axis=0)
            strokes.append([(round(centre[0]), round(centre[1]))])
            left -= {p for p in ink if component[p] == component[start]}
            continue
        if len(path) < 8:  # a spur
            continue
        head = [q for q in near(path[0]) if q not in path[:4]]
        tail = [q for q in near(path[-1]) if q not in path[-4:]]
        strokes.append(head[:1] + path + tail[:1])
    return strokes


def sketch_strokes(bitmap: np.ndarray, size: int = 400, up: int = 4) -> list[list[tuple[int, int]]]:
    """A 28×28 Quick, Draw! bitmap → mouse strokes on a size×size canvas. The bitmap is enlarged `up` times (its
    grey edges place the lines between pixels), its ink thinned to a skeleton and traced; the paths are scaled to
    the canvas and smoothed (a hand does not move in pixel steps)."""
    big = cv2.resize(np.asarray(bitmap, np.uint8).reshape(28, 28), (28 * up, 28 * up), interpolation=cv2.INTER_CUBIC)
    scale = (size - 40) / (28 * up)
    strokes = []
    for path in trace(thin(big > 100)):
        p = np.asarray(path, float)
        if len(p) > 4:
            padded = np.vstack([p[:1].repeat(3, 0), p, p[-1:].repeat(3, 0)])
            p = np.stack([np.convolve(padded[:, i], np.ones(7) / 7, "valid") for i in (0, 1)], 1)
            p = np.vstack([p[::3], p[-1:]])
        p = p * scale + 20
        strokes.append([(round(x), round(y)) for x, y in p])
    return strokes


# -- pictures --------------------------------------------------------------------------------------------------

def save(image: np.ndarray, path: Path, width: int | None = None) -> int:
    """Write a PNG (scaled down to `width` if given) of at most MAX_BYTES: fewer colours until it fits."""
    if width and image.shape[1] > width:
        image = cv2.resize(image, (width, round(image.shape[0] * width / image.shape[1])), interpolation=cv2.INTER_AREA)
    path.parent.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(path), image, [cv2.IMWRITE_PNG_COMPRESSION, 9])
    for colours in (256, 128, 64):
        if path.stat().st_size <= MAX_BYTES:
            break
        subprocess.run(["convert", str(path), "-dither", "FloydSteinberg", "-colors", str(colours), f"PNG8:{path}"],
                       check=True, timeout=120)
    return path.stat().st_size


def video(frames: list[np.ndarray], path: Path, fps: int = FPS) -> Path:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, (frames[0].shape[1], frames[0].shape[0]))
    for frame in frames:
        writer.write(frame)
    writer.release()
    return path


def fit(image: np.ndarray, width: int, height: int) -> np.ndarray:
    """The picture scaled to fit width×height, centred on black."""
    scale = min(width / image.shape[1], height / image.shape[0])
    small = cv2.resize(image, (round(image.shape[1] * scale), round(image.shape[0] * scale)),
                       interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC)
    out = np.zeros((height, width, 3), np.uint8)
    y, x = (height - small.shape[0]) // 2, (width - small.shape[1]) // 2
    out[y:y + small.shape[0], x:x + small.shape[1]] = small
    return out


# -- the shots ---------------------------------------------------------------------------------------------------

def draw_digits(ctx, dreams: bool = False) -> dict:
    """A person's pen-drawn 3 traced with the mouse; with `dreams`, then g: the generator's threes under it."""
    digit = 3
    number, points = pendigit(ctx.shared / "digits-real" / "pendigits.tra", digit)
    app = mlplay(ctx, "draw", "digits", "--jsonl")
    try:
        window = ctx.display.window("mlplay - draw digits", app)
        out = Lines(app.stdout)
        window.stroke(pen_stroke(points))
        guess = json.loads(out.next())
        if dreams:
            window.focus()
            ctx.display.xdotool("key", "--window", window.id, "g")
        time.sleep(1.5 if dreams else 0.5)
        shot = window.grab()
    finally:
        stop(app)
    if dreams:
        return {"picture": shot, "command": "mlplay draw digits, then g",
                "input": f"UCI pendigits.tra line {number} drawn with the mouse (as draw-digits.png), then the key g",
                "answer": guess}
    return {"picture": shot, "command": "mlplay draw digits",
            "input": f"UCI pendigits.tra line {number}, the first {digit} in the file (a person's pen path on a "
                     "tablet: 8 points), scaled to an upright box and drawn with the mouse as one smooth stroke",
            "answer": guess}


def draw_sketches(ctx) -> dict:
    cls, row = "cat", 27  # a held-out row (every 7th row of a class file is test: index % 7 == 6)
    bitmap = np.load(ctx.shared / "quickdraw-sample" / f"{cls}.npy", mmap_mode="r")[row]
    strokes = sketch_strokes(np.asarray(bitmap))
    app = mlplay(ctx, "draw", "sketches", "--jsonl")
    try:
        window = ctx.display.window("mlplay - draw sketches", app)
        out = Lines(app.stdout)
        guess = None
        for stroke in strokes:
            window.stroke(stroke)
            guess = json.loads(out.next())
        time.sleep(0.5)
        shot = window.grab()
    finally:
        stop(app)
    return {"picture": shot, "command": "mlplay draw sketches",
            "input": f"Quick, Draw! '{cls}' row {row} (a held-out test drawing by a person), its 28×28 bitmap thinned "
                     f"to a skeleton and traced with the mouse in {len(strokes)} strokes",
            "answer": guess}


def held_out_hands(folder: Path) -> list[Path]:
    """The first held-out photo of each gesture (rps-hands' test split: a hash of the picture's name)."""
    from mlplay.rps.landmarks import is_test

    picked = []
    for move in ("rock", "paper", "scissors"):
        names = sorted(f"{move}/{p.name}" for p in (folder / move).glob("*.jpg"))
        picked.append(folder / next(n for n, test in zip(names, is_test(np.array(names))) if test))
    return picked


def camera_rps(ctx) -> dict:
    from mlplay.rps.game import ROUND_SECONDS

    photos = held_out_hands(ctx.shared / "rps-real")
    per_round = round(ROUND_SECONDS * FPS)
    frames = [fit(cv2.imread(str(p)), 720, 480) for p in photos for _ in range(per_round)]
    source = video(frames + frames[:per_round], ctx.scratch / "hands.mp4")  # a fourth round keeps the window up
    app = mlplay(ctx, "camera", "rps", "--source", str(source), "--auto", "--rounds", "4", "--jsonl", "--seed", "1")
    try:
        window = ctx.display.window("mlplay - rock paper scissors", app)
        out = Lines(app.stdout)
        rounds = [json.loads(out.next()) for _ in photos]
        time.sleep(0.2)
        shot = window.grab()
    finally:
        stop(app)
    return {"picture": shot, "command": "mlplay camera rps --source hands.mp4 --auto",
            "input": "a video of three held-out real photos of hands (rps-real, CC-BY-SA 4.0, Julien de la "
                     "Bruère-Terreault), one a round: " + ", ".join(f"{p.parent.name}/{p.name}" for p in photos),
            "answer": rounds}


def write(ctx) -> dict:
    server = f"mlplay-shots-{os.getpid()}"
    tmux = lambda *args: subprocess.run(["tmux", "-L", server, *args], env=ctx.env, capture_output=True,  # noqa: E731
                                        text=True, timeout=30)

    def pane() -> str:
        return tmux("capture-pane", "-p", "-t", "w").stdout

    def wait_for(test, what: str, timeout: float = 90) -> str:
        deadline = time.time() + timeout
        while time.time() < deadline:
            text = pane()
            if test(text):
                return text
            time.sleep(0.2)
        raise SystemExit(f"screenshots: the writer did not show {what} in {timeout} s:\n{pane()}")

    command = f"{sys.executable} -m mlplay write shakespeare --seed 1 --length 240"
    term = subprocess.Popen(["xterm", "-T", "mlplay write", "-geometry", "96x16", "-fa", "DejaVu Sans Mono", "-fs",
                             "11", "-bg", "#1d1f21", "-fg", "#d8d8d8", "-e", "tmux", "-L", server, "-f", "/dev/null",
                             "new-session", "-s", "w", "-x", "96", "-y", "16", f"cd {REPO} && {command}"],
                            env={**ctx.env, "TERM": "xterm-256color"}, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    try:
        window = ctx.display.window("mlplay write", term)
        wait_for(lambda t: tmux("set", "-g", "status", "off").returncode == 0 and "write>" in t, "its prompt")
        window.focus()
        first, second = "ROMEO:", "JULIET: O Romeo, Romeo"
        ctx.display.xdotool("type", "--delay", "60", first)  # its ghost text is empty: a name ends its line
        wait_for(lambda t: f"write> {first}" in t, "the typed line")
        ctx.display.xdotool("key", "Return")
        wait_for(lambda t: t.count("write>") >= 2, "the continuation")
        ctx.display.xdotool("type", "--delay", "60", second)
        screen = wait_for(lambda t: any(line.startswith(f"write> {second}")
                                        and len(line.rstrip()) > len(f"write> {second}") + 3
                                        for line in t.splitlines()), "the ghost text")
        time.sleep(0.5)
        shot = window.grab()
        screen = pane()
    finally:
        tmux("kill-server")
        stop(term)
    return {"picture": shot, "command": "mlplay write shakespeare --seed 1 --length 240",
            "input": f"typed with xdotool: '{first}', Enter, then '{second}' (the grey rest of that line is the "
                     "model's ghost text)",
            "answer": [line.rstrip() for line in screen.splitlines() if line.strip()]}


def camera_detect(ctx) -> dict:
    photos = ctx.shared / "pretrained" / "photos"
    still = [(photos / "kite_and_cold.jpg", 3.0), (photos / "pets.jpg", 3.0)]
    frames = [fit(cv2.imread(str(p)), 720, 480) for p, seconds in still for _ in range(round(seconds * FPS))]
    source = video(frames, ctx.scratch / "photos.mp4")
    app = mlplay(ctx, "camera", "detect", "--source", str(source), "--jsonl")
    try:
        window = ctx.display.window("mlplay - detect", app)
        out = Lines(app.stdout)
        while (line := json.loads(out.next()))["t"] < 1.5:
            pass
        shot = window.grab()
    finally:
        stop(app)
    return {"picture": shot, "command": "mlplay camera detect --source photos.mp4",
            "input": "a video of kite_and_cold.jpg (google-coral/test_data, Apache-2.0) then pets.jpg, 3 s each, "
                     "at 720×480; the picture is of the first",
            "answer": line["detections"]}


def classify(ctx) -> dict:
    photo = ctx.shared / "pretrained" / "photos" / "grace_hopper.bmp"
    app = mlplay(ctx, "classify", str(photo), "--window", "--top", "3", "--threshold", "0.05", "--jsonl")
    try:
        window = ctx.display.window("mlplay - classify", app)
        answer = json.loads(Lines(app.stdout).next())
        time.sleep(0.5)
        shot = window.grab()
    finally:
        stop(app)
    return {"picture": shot, "command": "mlplay classify grace_hopper.bmp --window --top 3 --threshold 0.05",
            "input": "grace_hopper.bmp (google-coral/test_data, Apache-2.0)", "answer": answer["labels"]}


def camera_teach(ctx) -> dict:
    """Three gestures taught from photos that rps-hands trains on, then a held-out photo of paper named live."""
    from mlplay.paths import datasets_dir
    from mlplay.rps.landmarks import is_test

    backbone = Path(os.environ.get("MLPLAY_DATA") or datasets_dir()) / "mobilenet-v2"
    target = ctx.scratch / "datasets" / "mobilenet-v2"
    if not target.exists():
        if (backbone / "card.json").is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            target.symlink_to(backbone.resolve())
        else:
            subprocess.run([sys.executable, "-m", "mlplay", "data", "fetch", "mobilenet-v2"], env=ctx.env, cwd=REPO,
                           check=True, timeout=600)
    moves, per_photo, taught = ("rock", "paper", "scissors"), 12, 20  # each photo 0.4 s: 8 s a gesture
    frames, photos = [], {}
    for move in moves:
        names = sorted(f"{move}/{p.name}" for p in (ctx.shared / "rps-real" / move).glob("*.jpg"))
        test = is_test(np.array(names))
        photos[move] = ([n for n, t in zip(names, test) if not t][:taught], [n for n, t in zip(names, test) if t])
        frames += [fit(cv2.imread(str(ctx.shared / "rps-real" / n)), 720, 480) for n in photos[move][0]
                   for _ in range(per_photo)]
    live = photos["paper"][1][0]
    frames += [fit(cv2.imread(str(ctx.shared / "rps-real" / live)), 720, 480)] * (8 * FPS)
    segment = taught * per_photo / FPS
    source = video(frames, ctx.scratch / "hands.mp4")
    app = mlplay(ctx, "camera", "teach", "hands", "--labels", ",".join(moves), "--source", str(source),
                 "--models-dir", str(ctx.scratch / "models"))
    try:
        window = ctx.display.window("mlplay - teach hands", app)
        shown = time.monotonic()
        for i in range(len(moves)):  # hold the gesture's key in the middle of its segment, as auto-repeat sends it
            time.sleep(max(0.0, shown + segment * i + 1.0 - time.monotonic()))
            window.focus()
            ctx.display.xdotool("key", "--repeat", str(int((segment - 2.0) / 0.08)), "--delay", "80", str(i + 1))
        time.sleep(max(0.0, shown + 3 * segment + 0.5 - time.monotonic()))
        window.focus()
        ctx.display.xdotool("key", "t")
        time.sleep(3.0)
        shot = window.grab()
    finally:
        stop(app)
    said = [line for line in app.stderr.read().splitlines()
            if line.startswith(("trained", "rock", "paper", "scissors"))]
    return {"picture": shot, "command": "mlplay camera teach hands --labels rock,paper,scissors --source hands.mp4",
            "input": f"a video of {taught} real photos of each gesture (rps-real, CC-BY-SA 4.0, Julien de la "
                     "Bruère-Terreault; photos rps-hands trains on), keys 1, 2, 3 held with xdotool while each shows, "
                     f"t, then the held-out photo {live}",
            "answer": said}
def dream(ctx, walk: bool) -> dict:
    from mlplay.dream import app as dream_app

    app = mlplay(ctx, "dream", "digits", "--seed", "7")
    try:
        window = ctx.display.window("mlplay - dream digits", app)
        time.sleep(1.0)
        answer = "a 10 × 10 grid, one row a digit"
        if walk:
            row, column = 3, 5  # a three
            step = dream_app.CELL + dream_app.GAP
            x = window.x + dream_app.MARGIN + column * step + dream_app.CELL // 2
            y = window.y + dream_app.HEADER + dream_app.GAP + row * step + dream_app.CELL // 2
            ctx.display.xdotool("mousemove", "--sync", str(x), str(y), "click", "1")
            time.sleep(2.7)  # most of the way along the walk's first leg (2 s a leg, eased)
            answer = f"a walk from the three in row {row + 1}, column {column + 1}, 2.7 s after the click"
        shot = window.grab()
    finally:
        stop(app)
    return {"picture": shot, "command": "mlplay dream digits --seed 7" + (" (then a click on a three)" if walk else ""),
            "input": "none: latent vectors drawn from seed 7", "answer": answer}


SHOTS = {"draw-digits": (draw_digits, None), "draw-sketches": (draw_sketches, None), "camera-rps": (camera_rps, 800),
         "write": (write, None), "camera-detect": (camera_detect, 640), "classify": (classify, 480),
         "camera-teach": (camera_teach, 800),
         "dream-grid": (lambda ctx: dream(ctx, False), 760), "dream-walk": (lambda ctx: dream(ctx, True), 760),
         "draw-digits-dreams": (lambda ctx: draw_digits(ctx, dreams=True), None)}


class Context:
    def __init__(self, shared: Path, display: Display, scratch: Path):
        self.shared, self.display, self.scratch = shared, display, scratch
        path = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
        self.env = {**display.env, "PYTHONPATH": path,
                    "MLPLAY_DATA": str(scratch / "datasets"), "MLPLAY_RUNS": str(scratch / "runs"),
                    "TF_CPP_MIN_LOG_LEVEL": "3"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared" / "data",
                        help="the shared data folder (default: ../shared/data)")
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "img", help="where the pictures go")
    parser.add_argument("--only", help="comma-separated: " + ", ".join(SHOTS))
    args = parser.parse_args()
    names = args.only.split(",") if args.only else list(SHOTS)
    unknown = [n for n in names if n not in SHOTS]
    if unknown:
        raise SystemExit(f"screenshots: unknown picture {', '.join(unknown)} (choose from {', '.join(SHOTS)})")
    missing = sorted({f"{tool} (Debian package {package})" for tool, package in TOOLS.items()
                      if not shutil.which(tool)})
    if missing:
        packages = " ".join(sorted({TOOLS[m.split()[0]] for m in missing}))
        raise SystemExit(f"screenshots: missing {', '.join(missing)}; install them with: apt-get install {packages}")
    if not args.shared.is_dir():
        print(f"screenshots: skipped: the shared data folder {args.shared} is not there (the pictures are taken on "
              "real input from it; point --shared, or SHARED= for make, at it)")
        return
    record_path = args.out / "screenshots.json"
    record = json.loads(record_path.read_text()) if record_path.exists() else {}
    with tempfile.TemporaryDirectory(prefix="mlplay-shots-") as scratch:
        for name in names:
            take, width = SHOTS[name]
            started = time.time()
            display = Display()  # one X server a window: a second Qt window on the same server stayed black
            try:
                result = take(Context(args.shared.resolve(), display, Path(scratch)))
            finally:
                display.close()
            size = save(result.pop("picture"), args.out / f"{name}.png", width)
            record[name] = result
            print(f"{name}.png: {size / 1000:.0f} kB in {time.time() - started:.0f} s; {result['input']}", flush=True)
    record_path.write_text("{\n" + ",\n".join(  # one line a field: readable, and a diff shows what changed
        f" {json.dumps(name)}: {{\n" + ",\n".join(f"  {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}"
                                                  for k, v in shot.items()) + "\n }"
        for name, shot in sorted(record.items())) + "\n}\n")
    print(f"wrote {record_path}")


if __name__ == "__main__":
    main()
