"""Shared fixtures. tests/ mirrors the packages (tests/digits for mlplay/digits, …; tests/core for the shared modules).

Every test gets its own data and runs folders. `mlplay` runs the command in a new process, as a user does; a test
that starts a process (`mlplay`, or a window on Xvfb with `display`) is marked slow here, so `make test-fast` leaves
it to `make test` and CI.
"""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # the helper modules beside this file
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # hide C++ log noise (e.g. cuInit on CPU-only machines)

PROCESS_FIXTURES = ("mlplay", "display")


@pytest.hookimpl(tryfirst=True)  # before -m "not slow" deselects
def pytest_collection_modifyitems(items):
    for item in items:
        if any(name in getattr(item, "fixturenames", ()) for name in PROCESS_FIXTURES):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(autouse=True)
def isolated_homes(tmp_path, monkeypatch):
    """Every test gets its own data and runs folders; models default to the shipped ones."""
    monkeypatch.setenv("MLPLAY_DATA", str(tmp_path / "datasets"))
    monkeypatch.setenv("MLPLAY_RUNS", str(tmp_path / "runs"))


def as_from_a_terminal() -> None:
    """In the child: Ctrl-C (SIGINT) as a terminal delivers it, even when the tests run in the background of a shell
    (which starts them with SIGINT ignored, and Python then keeps ignoring it)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


class Processes:
    """`mlplay(*args)`: `python -m mlplay ARGS…` in a new process, its output captured as text; `mlplay.python(*args)`
    runs `python ARGS…` (`-c CODE`, `-m module`); `mlplay.popen(*args)` starts one without waiting.

    `env` adds to this process's environment (a value of None removes that variable); `stdin` is piped in; output is
    read as UTF-8 (what mlplay writes, whatever the locale) unless `encoding` says otherwise."""

    def __init__(self):
        self.started: list[subprocess.Popen] = []

    @staticmethod
    def environment(env: dict | None) -> dict:
        merged = {**os.environ, **(env or {})}
        return {k: str(v) for k, v in merged.items() if v is not None}

    def __call__(self, *args, **kw) -> subprocess.CompletedProcess:
        return self.python("-m", "mlplay", *args, **kw)

    def python(self, *args, stdin: str | None = None, env: dict | None = None, timeout: float = 300, cwd=None,
               encoding: str = "utf-8") -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, *map(str, args)], input=stdin, capture_output=True, encoding=encoding,
                              timeout=timeout, env=self.environment(env), cwd=cwd, preexec_fn=as_from_a_terminal)

    def popen(self, *args, env: dict | None = None, python: bool = False, **kw) -> subprocess.Popen:
        """`python -m mlplay ARGS…` (with `python=True`: `python ARGS…`), stdout and stderr piped as text unless
        `kw` says otherwise; a process still running when the test ends is killed."""
        kw = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, "encoding": "utf-8", **kw}
        if kw.get("text") is False:  # bytes
            kw.pop("encoding")
        command = [sys.executable, *([] if python else ["-m", "mlplay"]), *map(str, args)]
        kw.setdefault("preexec_fn", as_from_a_terminal)
        proc = subprocess.Popen(command, env=self.environment(env), **kw)
        self.started.append(proc)
        return proc


@pytest.fixture
def mlplay():
    """Runs mlplay (or python) in new processes; see Processes."""
    processes = Processes()
    yield processes
    for proc in processes.started:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="session")
def tiny_mnist(tmp_path_factory):
    from helpers import synthetic_mnist, write_npz

    return write_npz(tmp_path_factory.mktemp("data") / "tiny.npz", synthetic_mnist())


@pytest.fixture
def http_files(tmp_path):
    """A loopback HTTP server over a fresh folder: yields (base URL, folder)."""
    import http.server
    import threading
    from functools import partial

    www = tmp_path / "www"
    www.mkdir()

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(www)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", www
    httpd.shutdown()


@pytest.fixture
def display():
    """A private Xvfb for one window test: yields the environment to run the app in (skips without Xvfb)."""
    from xwindow import start_xvfb

    proc, name = start_xvfb()
    yield {**os.environ, "DISPLAY": name}
    proc.terminate()
    proc.wait()


@pytest.fixture(scope="session")
def backbone_folder(tmp_path_factory):
    """A narrow stand-in for the converted MobileNetV2 (mlplay data fetch mobilenet-v2), built once a session."""
    from teachhelpers import tiny_backbone

    from mlplay.console import tensorflow

    tensorflow()
    return tiny_backbone(tmp_path_factory.mktemp("backbone"))


@pytest.fixture
def with_backbone(backbone_folder):
    """That stand-in, installed where this test's mlplay looks for the backbone."""
    from teachhelpers import install_backbone

    install_backbone(backbone_folder, Path(os.environ["MLPLAY_DATA"]))
