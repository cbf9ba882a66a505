import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # hide C++ log noise (e.g. cuInit on CPU-only machines)


@pytest.fixture(autouse=True)
def isolated_homes(tmp_path, monkeypatch):
    """Every test gets its own data and runs folders; models default to the shipped ones."""
    monkeypatch.setenv("MLPLAY_DATA", str(tmp_path / "datasets"))
    monkeypatch.setenv("MLPLAY_RUNS", str(tmp_path / "runs"))


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
