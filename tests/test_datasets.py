"""Tests for course_lib.datasets (Chapter 6): the offline subset, IDX parsing, verification, downloads.

Every failure mode uses small synthetic IDX files written here, with their checksums injected into
the loader, and a loopback HTTP server (127.0.0.1, ephemeral port) or a patched opener instead of
the internet. The real MNIST files are checked only when a directory with them exists.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import http.server
import io
import os
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis.extra import numpy as hnp

from course_lib import datasets
from course_lib.datasets import CorruptFileError, MNISTNotFoundError, load_mnist, normalize

REPO = Path(__file__).resolve().parents[1]


# --------------------------------------------------------------------------------------------
# Synthetic IDX files
# --------------------------------------------------------------------------------------------
def idx_images(images: np.ndarray, magic: int = 2051, rows: int = 28, count=None) -> bytes:
    n = len(images) if count is None else count
    header = b"".join(v.to_bytes(4, "big") for v in (magic, n, rows, 28))
    return header + images.astype(np.uint8).tobytes()


def idx_labels(labels: np.ndarray, magic: int = 2049) -> bytes:
    return magic.to_bytes(4, "big") + len(labels).to_bytes(4, "big") + labels.astype(np.uint8).tobytes()


def spec_for(name: str, content: bytes):
    return datasets._Spec(name, len(content), hashlib.sha256(content).hexdigest())


class Synthetic:
    """Four small IDX files; ``install`` injects their sizes and checksums into the loader."""

    def __init__(self, rng: np.random.Generator, n_train: int = 12, n_test: int = 5):
        self.X_train = rng.integers(0, 256, size=(n_train, 784), dtype=np.uint8)
        self.y_train = rng.integers(0, 10, size=n_train)
        self.X_test = rng.integers(0, 256, size=(n_test, 784), dtype=np.uint8)
        self.y_test = rng.integers(0, 10, size=n_test)
        self.content = {
            "train_images": idx_images(self.X_train),
            "train_labels": idx_labels(self.y_train),
            "test_images": idx_images(self.X_test),
            "test_labels": idx_labels(self.y_test),
        }

    def name(self, key: str) -> str:
        return datasets._FILES[key].name

    def install(self, monkeypatch) -> None:
        files = {key: spec_for(datasets._FILES[key].name, c) for key, c in self.content.items()}
        monkeypatch.setattr(datasets, "_FILES", files)

    def write(self, directory: Path, compress: bool = True, skip=()) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        for key, content in self.content.items():
            if key in skip:
                continue
            name = datasets._FILES[key].name
            if compress:
                (directory / f"{name}.gz").write_bytes(gzip.compress(content))
            else:
                (directory / name).write_bytes(content)

    def check(self, loaded) -> None:
        (X_train, y_train), (X_test, y_test) = loaded
        np.testing.assert_array_equal(X_train, self.X_train)
        np.testing.assert_array_equal(y_train, self.y_train)
        np.testing.assert_array_equal(X_test, self.X_test)
        np.testing.assert_array_equal(y_test, self.y_test)
        assert X_train.dtype == np.uint8 and y_train.dtype == np.int64


def no_internet(url, timeout=None):
    raise urllib.error.URLError("no network in the tests")


@pytest.fixture
def env(tmp_path, monkeypatch):
    """No COURSE_MNIST_DIR, a private cache dir, and no internet unless a test serves one."""
    monkeypatch.delenv(datasets.ENV_VAR, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setattr(datasets, "_urlopen", no_internet)
    return tmp_path


@pytest.fixture
def synth(env, monkeypatch):
    data = Synthetic(np.random.default_rng(0))
    data.install(monkeypatch)
    return data


@pytest.fixture
def server(tmp_path):
    """A loopback HTTP server; ``mirror1`` is empty (404 for everything), ``mirror2`` has files."""
    root = tmp_path / "www"
    (root / "mirror1").mkdir(parents=True)
    (root / "mirror2").mkdir(parents=True)

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=str(root))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    yield root, (f"{base}/mirror1/", f"{base}/mirror2/")
    httpd.shutdown()
    httpd.server_close()


def leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir()) if directory.exists() else []


# --------------------------------------------------------------------------------------------
# The offline subset
# --------------------------------------------------------------------------------------------
def test_subset_shapes_dtypes_and_split():
    (X_train, y_train), (X_test, y_test) = load_mnist("subset")
    assert X_train.shape == (4000, 784) and X_test.shape == (1000, 784)
    assert X_train.dtype == np.uint8 and y_train.dtype == np.int64
    np.testing.assert_array_equal(np.bincount(y_train, minlength=10), np.full(10, 400))
    np.testing.assert_array_equal(np.bincount(y_test, minlength=10), np.full(10, 100))
    total = np.bincount(np.concatenate([y_train, y_test]))
    np.testing.assert_array_equal(total, np.full(10, 500))
    assert X_train.max() == 255 and X_train.min() == 0


def test_subset_split_is_fixed_disjoint_and_copies():
    (X_a, y_a), (T_a, _) = load_mnist()
    original = X_a.copy()
    X_a += 1  # the caller owns its arrays: editing them changes nothing for later calls
    (X_b, y_b), (T_b, _) = load_mnist()
    np.testing.assert_array_equal(X_b, original)
    np.testing.assert_array_equal(y_a, y_b)
    np.testing.assert_array_equal(T_a, T_b)
    rows = {r.tobytes() for r in X_b} & {r.tobytes() for r in T_b}
    assert len(rows) == 0, "an image is in both the training and the test split"


@pytest.mark.parametrize(
    "kwargs, error, named",
    [
        (dict(kind="digits"), ValueError, "kind"),
        (dict(kind=3), TypeError, "kind"),
        (dict(kind="subset", data_dir="."), ValueError, "data_dir"),
        (dict(kind="full", data_dir=3), TypeError, "data_dir"),
        (dict(kind="full", data_dir=""), ValueError, "data_dir"),
        (dict(kind="full", download="no"), TypeError, "download"),
        (dict(kind="subset", download=None), TypeError, "download"),
    ],
)
def test_load_mnist_rejects_bad_arguments(env, kwargs, error, named):
    with pytest.raises(error, match=named):
        load_mnist(**kwargs)


# --------------------------------------------------------------------------------------------
# normalize
# --------------------------------------------------------------------------------------------
def test_normalize_values_dtype_and_no_mutation():
    X = np.array([[0, 51, 255]], dtype=np.uint8)
    out = normalize(X)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, [[0.0, 0.2, 1.0]], rtol=1e-7)
    assert normalize(X, dtype=np.float64).dtype == np.float64
    assert X.tolist() == [[0, 51, 255]]


@settings(max_examples=30, deadline=None)
@given(hnp.arrays(np.uint8, hnp.array_shapes(min_dims=1, max_dims=2, max_side=20)))
def test_normalize_round_trips_pixels(X):
    out = normalize(X, dtype=np.float64)
    assert out.shape == X.shape
    assert np.all((out >= 0) & (out <= 1))
    np.testing.assert_array_equal(np.rint(out * 255).astype(np.uint8), X)


def test_normalize_rejects_bad_input():
    with pytest.raises(ValueError, match="X must hold pixel values in"):
        normalize(np.array([-1.0, 3.0]))
    with pytest.raises(ValueError, match="X must hold pixel values in"):
        normalize(np.array([256]))
    with pytest.raises(ValueError, match="NaN"):
        normalize(np.array([np.nan]))
    with pytest.raises(TypeError, match="X"):
        normalize(np.array(["a"]))
    with pytest.raises(TypeError, match="dtype"):
        normalize(np.zeros(3, np.uint8), dtype=np.int32)


# --------------------------------------------------------------------------------------------
# IDX parsing
# --------------------------------------------------------------------------------------------
def test_parse_idx_reads_images_and_labels():
    images = np.arange(2 * 784).reshape(2, 784) % 256
    out = datasets._parse_idx(idx_images(images), "img", 2051)
    assert out.shape == (2, 784) and out.dtype == np.uint8
    np.testing.assert_array_equal(out, images)
    labels = datasets._parse_idx(idx_labels(np.array([3, 9, 0])), "lab", 2049)
    assert labels.dtype == np.int64 and labels.tolist() == [3, 9, 0]


@pytest.mark.parametrize(
    "content, magic, match",
    [
        (idx_images(np.zeros((2, 784)), magic=2049), 2051, "magic number 2049, expected 2051"),
        (idx_labels(np.zeros(3), magic=2051), 2049, "magic number 2051, expected 2049"),
        (idx_images(np.zeros((2, 29 * 28)), rows=29), 2051, "28×28"),
        (idx_images(np.zeros((2, 784)), count=3), 2051, "header announces"),
        (idx_labels(np.zeros(3))[:-1], 2049, "header announces"),
        (idx_labels(np.array([1, 12])), 2049, "digits 0…9"),
        (b"\x00\x00", 2049, "too short"),
    ],
)
def test_parse_idx_rejects_malformed(content, magic, match):
    with pytest.raises(CorruptFileError, match=match):
        datasets._parse_idx(content, "file", magic)


# --------------------------------------------------------------------------------------------
# Loading the full set from a directory (synthetic files)
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("compress", [True, False])
def test_full_from_data_dir(synth, tmp_path, compress):
    synth.write(tmp_path / "data", compress=compress)
    synth.check(load_mnist("full", data_dir=tmp_path / "data"))
    synth.check(load_mnist("full", data_dir=str(tmp_path / "data")))


def test_full_uses_environment_variable(synth, tmp_path, monkeypatch):
    synth.write(tmp_path / "envdir")
    monkeypatch.setenv(datasets.ENV_VAR, str(tmp_path / "envdir"))
    synth.check(load_mnist("full"))


def test_bad_magic_in_verified_file_is_reported(env, tmp_path, monkeypatch):
    data = Synthetic(np.random.default_rng(1))
    data.content["train_images"] = idx_images(data.X_train, magic=2052)
    data.install(monkeypatch)  # the checksum matches: only the parser can catch it
    data.write(tmp_path / "data")
    with pytest.raises(CorruptFileError, match="magic number 2052"):
        load_mnist("full", data_dir=tmp_path / "data")


def test_image_and_label_counts_must_agree(env, tmp_path, monkeypatch):
    data = Synthetic(np.random.default_rng(2))
    data.content["test_labels"] = idx_labels(data.y_test[:-1])
    data.install(monkeypatch)
    data.write(tmp_path / "data")
    with pytest.raises(CorruptFileError, match="5 images but 4 labels"):
        load_mnist("full", data_dir=tmp_path / "data")


def corrupt(path: Path, how: str, content: bytes) -> None:
    if how == "truncated gzip":
        path.write_bytes(gzip.compress(content)[:-40])
    elif how == "not gzip":
        path.write_bytes(b"\x1f\x8b" + b"garbage" * 10)
    elif how == "wrong checksum":
        changed = bytearray(content)
        changed[-1] ^= 0xFF
        path.write_bytes(gzip.compress(bytes(changed)))
    elif how == "too short":
        path.write_bytes(gzip.compress(content[:-10]))
    elif how == "too long":
        path.write_bytes(gzip.compress(content + b"\x00" * 100))


CORRUPTIONS = {
    "truncated gzip": "truncated|damaged",
    "not gzip": "damaged",
    "wrong checksum": "SHA-256",
    "too short": "truncated",
    "too long": "larger than the expected",
}


@pytest.mark.parametrize("how", sorted(CORRUPTIONS))
def test_corrupt_file_in_user_dir_is_reported_and_kept(synth, tmp_path, how):
    data_dir = tmp_path / "data"
    synth.write(data_dir)
    path = data_dir / f"{synth.name('train_images')}.gz"
    corrupt(path, how, synth.content["train_images"])
    before = path.read_bytes()
    with pytest.raises(CorruptFileError, match=CORRUPTIONS[how]) as info:
        load_mnist("full", data_dir=data_dir)
    assert "left as it is" in str(info.value)
    assert path.read_bytes() == before, "a file in the user's directory must never be changed"


def test_decompression_is_capped_at_expected_size(synth, tmp_path, monkeypatch):
    # a gzip bomb: 50 MB of zeros in ~50 kB; only expected size + 1 byte may be decompressed
    data_dir = tmp_path / "data"
    synth.write(data_dir)
    bomb = synth.content["train_labels"] + b"\x00" * 50_000_000
    (data_dir / f"{synth.name('train_labels')}.gz").write_bytes(gzip.compress(bomb, 1))
    requested = []  # sizes asked of the decompressor, by read(n) and readinto(buffer)
    real_open = gzip.open

    def spy(*args, **kwargs):
        stream = real_open(*args, **kwargs)
        read, readinto = stream.read, stream.readinto
        stream.read = lambda n=-1: requested.append(n) or read(n)
        stream.readinto = lambda buf: requested.append(len(buf)) or readinto(buf)
        return stream

    monkeypatch.setattr(datasets.gzip, "open", spy)
    with pytest.raises(CorruptFileError, match="larger than the expected"):
        load_mnist("full", data_dir=data_dir)
    assert requested and min(requested) >= 0, "never read() without a size limit"
    assert sum(requested) <= 3 * 1_000_000  # all four files are < 20 kB + 1 byte of overrun


def test_missing_files_without_download_give_clear_error(synth, tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(datasets, "_urlopen", lambda *a, **k: calls.append(a))
    synth.write(tmp_path / "data", skip=("test_labels",))
    with pytest.raises(MNISTNotFoundError, match="download=False") as info:
        load_mnist("full", data_dir=tmp_path / "data", download=False)
    message = str(info.value)
    assert "t10k-labels-idx1-ubyte" in message and "subset" in message
    assert calls == []


def test_offline_with_no_files_says_what_to_do(synth, tmp_path):
    with pytest.raises(MNISTNotFoundError) as info:
        load_mnist("full")
    message = str(info.value)
    for hint in ("could not be downloaded", "data_dir", "COURSE_MNIST_DIR", "load_mnist('subset')"):
        assert hint in message
    for mirror in datasets.MIRRORS:
        assert mirror in message
    assert leftovers(datasets.default_cache_dir()) == []
    assert not (tmp_path / "xdg").exists(), "the folders made for the download must go again"


# --------------------------------------------------------------------------------------------
# Downloads
# --------------------------------------------------------------------------------------------
def serve(server, synth, monkeypatch, mirror: str = "mirror2") -> None:
    root, urls = server
    synth.write(root / mirror)
    monkeypatch.setattr(datasets, "MIRRORS", urls)
    monkeypatch.setattr(datasets, "_urlopen", urllib.request.urlopen)


def test_download_falls_back_to_second_mirror(synth, server, monkeypatch, capsys):
    serve(server, synth, monkeypatch)
    synth.check(load_mnist("full"))
    cache = datasets.default_cache_dir()
    assert leftovers(cache) == sorted(f"{s.name}.gz" for s in datasets._FILES.values())
    assert "mirror1" in capsys.readouterr().err  # the failure of mirror 1 is reported
    monkeypatch.setattr(datasets, "_urlopen", no_internet)  # now everything is cached
    synth.check(load_mnist("full"))


def test_download_skips_mirror_serving_corrupt_file(synth, server, monkeypatch):
    serve(server, synth, monkeypatch)
    root, _ = server
    name = synth.name("train_images")
    corrupt(root / "mirror1" / f"{name}.gz", "wrong checksum", synth.content["train_images"])
    synth.check(load_mnist("full"))
    assert not [n for n in leftovers(datasets.default_cache_dir()) if n.endswith(".part")]


def test_download_into_writable_user_dir(synth, server, monkeypatch, tmp_path):
    serve(server, synth, monkeypatch)
    data_dir = tmp_path / "mine"
    synth.write(data_dir, skip=("train_images", "test_labels"))
    synth.check(load_mnist("full", data_dir=data_dir))
    assert f"{synth.name('train_images')}.gz" in leftovers(data_dir)
    assert leftovers(datasets.default_cache_dir()) == []


def test_corrupt_cached_file_is_removed_and_fetched_again(synth, server, monkeypatch):
    serve(server, synth, monkeypatch)
    cache = datasets.default_cache_dir()
    synth.write(cache)
    path = cache / f"{synth.name('test_images')}.gz"
    corrupt(path, "truncated gzip", synth.content["test_images"])
    with pytest.warns(UserWarning, match="removed it, fetching it again"):
        synth.check(load_mnist("full"))
    assert gzip.decompress(path.read_bytes()) == synth.content["test_images"]


def test_all_mirrors_corrupt_leaves_nothing_behind(synth, server, monkeypatch):
    serve(server, synth, monkeypatch)
    root, _ = server
    name = synth.name("train_labels")
    for mirror in ("mirror1", "mirror2"):
        corrupt(root / mirror / f"{name}.gz", "too long", synth.content["train_labels"])
    with pytest.raises(MNISTNotFoundError, match="larger than the expected"):
        load_mnist("full")
    assert f"{name}.gz" not in leftovers(datasets.default_cache_dir())
    assert not [n for n in leftovers(datasets.default_cache_dir()) if n.endswith(".part")]


class BrokenResponse:
    """A response that delivers part of the body and then loses the connection."""

    headers = {"Content-Length": "5000"}

    def __init__(self):
        self.sent = False

    def read(self, n):
        if self.sent:
            raise ConnectionResetError("connection lost mid-download")
        self.sent = True
        return b"\x1f\x8b" + b"x" * 1000

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_interrupted_download_leaves_no_partial_file(synth, monkeypatch):
    monkeypatch.setattr(datasets, "_urlopen", lambda url, timeout: BrokenResponse())
    with pytest.raises(MNISTNotFoundError, match="connection lost"):
        load_mnist("full")
    assert leftovers(datasets.default_cache_dir()) == []


def test_download_uses_a_timeout(synth, monkeypatch):
    seen = []

    def opener(url, timeout=None):
        seen.append(timeout)
        raise TimeoutError("timed out")

    monkeypatch.setattr(datasets, "_urlopen", opener)
    with pytest.raises(MNISTNotFoundError, match="timed out"):
        load_mnist("full")
    assert seen and all(t is not None and 0 < t <= 60 for t in seen)


# --------------------------------------------------------------------------------------------
# Downloads: what is left behind, what may be deleted (issue 10.6)
# --------------------------------------------------------------------------------------------
def make_partial(directory: Path, name: str, age: float) -> Path:
    """A leftover of a killed download, named as mkstemp names ours, last written ``age`` s ago."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f".{name}.k3_x9q2z.part"
    path.write_bytes(b"\x1f\x8b partial")
    stamp = path.stat().st_mtime - age
    os.utime(path, (stamp, stamp))
    return path


def test_stale_partials_in_the_cache_are_removed_fresh_and_foreign_ones_kept(synth, tmp_path):
    cache = datasets.default_cache_dir()
    old_age = datasets.DEADLINE + datasets.TIMEOUT + 120
    stale = make_partial(cache, synth.name("train_images"), age=old_age)
    fresh = make_partial(cache, synth.name("test_labels"), age=5)  # maybe a download running now
    foreign = {  # not our naming pattern, or not a regular file: never touched
        cache / ".notes.k3_x9q2z.part": b"mine",
        cache / f"{synth.name('train_images')}.part": b"mine",
        cache / f".{synth.name('train_images')}.k3_x9q2z.part.bak": b"mine",
    }
    for path, content in foreign.items():
        path.write_bytes(content)
        os.utime(path, (0, 0))
    precious = tmp_path / "precious.txt"
    precious.write_text("the user's own file")
    link = cache / f".{synth.name('test_images')}.abcdefgh.part"
    link.symlink_to(precious)
    os.utime(link, (0, 0), follow_symlinks=False)
    with pytest.raises(MNISTNotFoundError):  # offline: the tidy-up still happened
        load_mnist("full")
    assert not stale.exists()
    assert fresh.exists()
    assert all(path.read_bytes() == content for path, content in foreign.items())
    assert link.is_symlink() and precious.read_text() == "the user's own file"


def test_stale_partials_in_a_user_dir_are_reported_not_removed(synth, tmp_path):
    data_dir = tmp_path / "mine"
    synth.write(data_dir)
    partial = make_partial(data_dir, synth.name("train_images"), age=10**6)
    with pytest.warns(UserWarning, match="partial downloads of an interrupted run"):
        synth.check(load_mnist("full", data_dir=data_dir))
    assert partial.exists()


@pytest.fixture
def trickle_server(tmp_path):
    """mirror1 announces the file and then sends one byte every 0.2 s; mirror2 serves it."""
    root = tmp_path / "www"
    (root / "mirror2").mkdir(parents=True)

    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            if not self.path.startswith("/mirror1/"):
                return super().do_GET()
            self.send_response(200)
            self.send_header("Content-Length", "2000")  # below every limit
            self.end_headers()
            try:
                for _ in range(300):  # at most a minute, whatever the client does
                    self.wfile.write(b"\x1f")
                    self.wfile.flush()
                    time.sleep(0.2)
            except OSError:  # the client gave up: as it should
                pass

    handler = functools.partial(Handler, directory=str(root))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    yield root, (f"{base}/mirror1/", f"{base}/mirror2/")
    httpd.shutdown()
    httpd.server_close()


def test_trickling_mirror_is_abandoned_at_the_deadline(synth, trickle_server, monkeypatch, capsys):
    root, urls = trickle_server
    synth.write(root / "mirror2")
    monkeypatch.setattr(datasets, "MIRRORS", urls)
    monkeypatch.setattr(datasets, "_urlopen", urllib.request.urlopen)
    monkeypatch.setattr(datasets, "DEADLINE", 0.5)
    start = time.monotonic()
    synth.check(load_mnist("full"))
    assert time.monotonic() - start < 20, "each trickling download must end near the deadline"
    err = capsys.readouterr().err
    assert "gave up after 0.5 s" in err and "too slow" in err and "trying the next mirror" in err
    assert not [n for n in leftovers(datasets.default_cache_dir()) if n.endswith(".part")]


def test_corrupt_file_in_a_read_only_cache_says_what_to_do(synth, monkeypatch):
    # Simulated (the tests may run as root, for whom chmod does not forbid anything).
    cache = datasets.default_cache_dir()
    synth.write(cache)
    path = cache / f"{synth.name('train_labels')}.gz"
    corrupt(path, "wrong checksum", synth.content["train_labels"])
    before = path.read_bytes()
    real_unlink = Path.unlink

    def read_only(self, *args, **kwargs):
        if self == path:
            raise PermissionError(13, "Permission denied", str(self))
        return real_unlink(self, *args, **kwargs)

    monkeypatch.setattr(Path, "unlink", read_only)
    with pytest.raises(CorruptFileError) as info:
        load_mnist("full")
    message = str(info.value)
    for part in ("SHA-256", "could not be removed", "Permission denied", "delete it yourself",
                 "writable", "data_dir"):
        assert part in message
    assert path.read_bytes() == before


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0,
                    reason="root may delete in a read-only folder; the simulated test covers it")
def test_corrupt_file_in_a_really_read_only_cache(synth):
    cache = datasets.default_cache_dir()
    synth.write(cache)
    path = cache / f"{synth.name('test_labels')}.gz"
    corrupt(path, "too short", synth.content["test_labels"])
    cache.chmod(0o555)
    try:
        with pytest.raises(CorruptFileError, match="could not be removed"):
            load_mnist("full")
        assert path.exists()
    finally:
        cache.chmod(0o755)


def test_failed_download_removes_only_the_empty_folders_it_made(synth, tmp_path):
    existing = tmp_path / "existing"
    existing.mkdir()
    (existing / "keep.txt").write_text("x")
    empty_before = tmp_path / "empty_before"
    empty_before.mkdir()
    for data_dir in (existing / "a" / "b", empty_before):
        with pytest.raises(MNISTNotFoundError):
            load_mnist("full", data_dir=data_dir)
    assert leftovers(existing) == ["keep.txt"]
    assert empty_before.is_dir(), "a folder the user made stays, even empty"
    assert not (tmp_path / "xdg").exists()


def test_partly_successful_download_keeps_the_verified_files(synth, server, monkeypatch):
    serve(server, synth, monkeypatch)
    root, _ = server
    (root / "mirror2" / f"{synth.name('test_labels')}.gz").unlink()
    with pytest.raises(MNISTNotFoundError, match="t10k-labels"):
        load_mnist("full")
    assert len(leftovers(datasets.default_cache_dir())) == 3


@pytest.mark.parametrize("linked", ["course_lib/mnist", "course_lib"])
def test_symlinked_cache_folder_never_loses_a_user_file(synth, tmp_path, linked):
    own = tmp_path / "my_folder"
    synth.write(own / "mnist" if linked == "course_lib" else own)
    xdg = tmp_path / "xdg"
    (xdg / linked).parent.mkdir(parents=True, exist_ok=True)
    (xdg / linked).symlink_to(own, target_is_directory=True)
    cache = datasets.default_cache_dir()
    assert (cache / f"{synth.name('train_images')}.gz").is_file()
    path = cache / f"{synth.name('train_images')}.gz"
    corrupt(path, "wrong checksum", synth.content["train_images"])
    partial = make_partial(cache, synth.name("train_images"), age=10**6)
    before = path.read_bytes()
    with pytest.raises(CorruptFileError, match="left as it is"), pytest.warns(UserWarning):
        load_mnist("full")
    assert path.read_bytes() == before and partial.exists()


@pytest.mark.parametrize("kind", ["symlink", "raw name"])
def test_cache_deletes_only_regular_files_it_writes(synth, tmp_path, kind):
    cache = datasets.default_cache_dir()
    synth.write(cache, skip=("train_images",))
    key = "train_images"
    changed = bytearray(synth.content[key])
    changed[-1] ^= 0xFF
    if kind == "symlink":
        target = tmp_path / "user_copy.gz"
        target.write_bytes(gzip.compress(bytes(changed)))
        path = cache / f"{synth.name(key)}.gz"
        path.symlink_to(target)
    else:  # the loader writes only <name>.gz; a raw <name> was put there by someone
        target = path = cache / synth.name(key)
        path.write_bytes(bytes(changed))
    before = target.read_bytes()
    with pytest.raises(CorruptFileError, match="left as it is"):
        load_mnist("full")
    assert target.read_bytes() == before and (path.is_symlink() or path.is_file())


def test_download_never_replaces_a_broken_link(synth, server, monkeypatch, tmp_path):
    serve(server, synth, monkeypatch)
    cache = datasets.default_cache_dir()
    cache.mkdir(parents=True)
    link = cache / f"{synth.name('train_images')}.gz"
    link.symlink_to(tmp_path / "gone.gz")
    with pytest.raises(MNISTNotFoundError, match="not a readable file"):
        load_mnist("full")
    assert link.is_symlink() and os.readlink(link) == str(tmp_path / "gone.gz")


# --------------------------------------------------------------------------------------------
# Progress output (issue 10.8): a tqdm bar on a terminal, plain lines in logs
# --------------------------------------------------------------------------------------------
class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


def test_download_progress_is_plain_lines_when_not_a_terminal(synth, server, monkeypatch,
                                                                  capsys):
    serve(server, synth, monkeypatch)
    synth.check(load_mnist("full"))
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "\r" not in captured.err and "it/s" not in captured.err and "B/s" not in captured.err
    assert captured.err.count("downloading ") == 8 and captured.err.count("saved ") == 4


def test_download_progress_draws_a_bar_on_a_terminal(synth, server, monkeypatch):
    serve(server, synth, monkeypatch)
    terminal = FakeTerminal()
    monkeypatch.setattr(datasets.sys, "stderr", terminal)
    synth.check(load_mnist("full"))
    assert "\r" in terminal.getvalue() and "B/s" in terminal.getvalue()


def test_no_pickle_anywhere():
    source = Path(datasets.__file__).read_text()
    assert "pickle" not in source.replace("Nothing is ever unpickled", "")
    assert "allow_pickle=True" not in source


# --------------------------------------------------------------------------------------------
# The real files, when a directory with them exists (CI and developers here; skipped elsewhere)
# --------------------------------------------------------------------------------------------
def real_mnist_dir() -> Path | None:
    for candidate in (os.environ.get(datasets.ENV_VAR), REPO.parent / "shared" / "data" / "mnist"):
        if candidate and (Path(candidate) / "train-labels-idx1-ubyte.gz").exists():
            return Path(candidate)
        if candidate and (Path(candidate) / "train-labels-idx1-ubyte").exists():
            return Path(candidate)
    return None


@pytest.mark.skipif(real_mnist_dir() is None, reason="no directory with the real MNIST files")
def test_real_mnist_shapes_and_label_counts(monkeypatch):
    monkeypatch.setattr(datasets, "_urlopen", no_internet)
    (X_train, y_train), (X_test, y_test) = load_mnist("full", data_dir=real_mnist_dir())
    assert X_train.shape == (60000, 784) and X_test.shape == (10000, 784)
    assert X_train.dtype == np.uint8 and y_test.dtype == np.int64
    train_counts = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
    test_counts = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    assert np.bincount(y_train).tolist() == train_counts
    assert np.bincount(y_test).tolist() == test_counts
    # the offline subset is the first 500 training images of each digit, in order
    images, labels = datasets._read_subset()
    first = np.concatenate([np.flatnonzero(y_train == k)[:500] for k in range(10)])
    np.testing.assert_array_equal(images, X_train[first])
    np.testing.assert_array_equal(labels, y_train[first])
