"""Notebook helpers used by every chapter: reproducible set-up and showing library source.

``setup_notebook`` is the first call of each chapter; ``show_source`` lets a notebook display the
real library code instead of keeping a second copy of it.
"""

from __future__ import annotations

import ast
import inspect
import os
import textwrap

import numpy as np

from course_lib import i18n

_BLAS_ENV = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def _limit_blas_threads() -> None:
    """Pin BLAS to one thread so float64 results carry the same last digits everywhere."""
    for name in _BLAS_ENV:
        os.environ.setdefault(name, "1")
    try:  # threadpoolctl comes with scikit-learn; it also covers an already-loaded BLAS
        from threadpoolctl import threadpool_limits

        threadpool_limits(1)
    except ImportError:  # pragma: no cover - scikit-learn is a dependency
        pass


def setup_notebook(seed: int = 0, lang: str = "en") -> np.random.Generator:
    """Prepare a chapter notebook and return its random generator.

    Sets compact NumPy printing, a readable matplotlib style and figure size, limits BLAS to one
    thread (so printed digits do not depend on the machine), chooses the language of the
    learner-facing messages, and returns ``np.random.default_rng(seed)`` — the only source of
    randomness a notebook should use.

    Parameters
    ----------
    seed : int, default 0
        Seed of the returned generator.
    lang : {"en", "ja"}, default "en"
        Language of the exercise self-checks and other messages meant for learners
        (:mod:`course_lib.i18n`). With ``"ja"`` plots also use a Japanese font, IPAex Gothic from
        the ``matplotlib-fontja`` package, so Japanese titles and labels have every glyph.

    Returns
    -------
    numpy.random.Generator

    Raises
    ------
    TypeError
        If ``seed`` is not an int.
    ValueError
        If ``lang`` is not ``"en"`` or ``"ja"``.
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be an int, got {type(seed).__name__}")
    i18n.set_language(lang)
    _limit_blas_threads()
    np.set_printoptions(precision=4, suppress=True, linewidth=100)
    import matplotlib.pyplot as plt

    plt.rcParams.update(
        {
            "figure.figsize": (7.0, 4.0),
            "figure.dpi": 80,
            "axes.grid": True,
            "grid.alpha": 0.3,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "font.size": 11,
            "svg.hashsalt": "course_lib",
            "font.family": ["sans-serif"],  # matplotlib's default, undone by lang="ja"
            "axes.unicode_minus": True,
        }
    )
    if lang == "ja":
        _use_japanese_font()
    return np.random.default_rng(seed)


def _use_japanese_font() -> None:
    """Japanese plot text in IPAex Gothic, the font matplotlib-fontja ships and registers.

    IPAex Gothic comes first, so that the words around a ``$…$`` formula in a label (which
    matplotlib's math renderer draws in the first font only) have their glyphs; DejaVu Sans
    follows for the symbols IPAex Gothic lacks (≤, ⊙, ⟨⟩, subscripts). IPAex Gothic has no bold
    face: bold Japanese text is drawn regular, without a log message.
    """
    import logging

    import matplotlib.pyplot as plt
    import matplotlib_fontja

    matplotlib_fontja.japanize()
    plt.rcParams["font.family"] = ["IPAexGothic", "DejaVu Sans"]
    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)


def show_source(obj, docstring: bool = False) -> None:
    """Display the source code of a library function or class in the notebook.

    In Jupyter the code is syntax-highlighted (Markdown); elsewhere it is printed. By default the
    docstrings are left out — of the object and of every function or class inside it — so that
    what a chapter shows is the code that carries the math; comments stay. The source is
    dedented, so a method reads like a function.

    Parameters
    ----------
    obj : function, method, class, module or property
        Anything ``inspect.getsource`` accepts (a property shows its getter).
    docstring : bool, default False
        ``True`` shows the docstrings too.

    Raises
    ------
    TypeError
        ``obj`` has no Python source (a number, a built-in, a NumPy function written in C), or
        ``docstring`` is not a bool.
    """
    if not isinstance(docstring, bool):
        raise TypeError(f"docstring must be True or False, got {docstring!r}")
    source = _source_of(obj)
    if not docstring:
        source = _without_docstrings(source)
    _display_code(source)


def _source_of(obj) -> str:
    """The dedented source of ``obj`` (a property: its getter), or a TypeError saying what works."""
    if isinstance(obj, property):
        obj = obj.fget
    try:
        source = inspect.getsource(obj)
    except (TypeError, OSError) as err:
        raise TypeError(
            f"show_source needs a Python function, class or module, got {obj!r:.80}"
        ) from err
    return textwrap.dedent(source)


def _without_docstrings(source: str) -> str:
    """``source`` with every docstring (and one blank line after it) removed; comments kept.

    A docstring that is the only statement of its body stays (the code must remain valid), and so
    does one sharing its lines with other code.
    """
    lines = source.splitlines(keepends=True)
    drop: set[int] = set()
    for node in ast.walk(ast.parse(source)):
        body = getattr(node, "body", None)
        if not isinstance(body, list) or len(body) < 2 or not _is_docstring(body[0]):
            continue
        doc = body[0]
        first, last = doc.lineno - 1, doc.end_lineno - 1
        if lines[first][: doc.col_offset].strip() or lines[last][doc.end_col_offset:].strip():
            continue  # shares a line with other code: leave it
        drop.update(range(first, last + 1))
        if last + 1 < len(lines) and not lines[last + 1].strip():
            drop.add(last + 1)
    return "".join(line for k, line in enumerate(lines) if k not in drop)


def _is_docstring(stmt) -> bool:
    """Whether ``stmt`` is a bare string literal (the first one of a body is its docstring)."""
    return (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant)
            and isinstance(stmt.value.value, str))


def _display_code(source: str) -> None:
    """Syntax-highlighted Markdown in Jupyter (plain text where Markdown is not rendered), else print."""
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # pragma: no cover - IPython comes with jupyter
        print(source)
        return
    if get_ipython() is None:
        print(source)
    else:
        display({"text/markdown": f"```python\n{source}```", "text/plain": source}, raw=True)
