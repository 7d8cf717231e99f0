"""Notebook helpers used by every chapter: reproducible set-up and showing library source.

``setup_notebook`` is the first call of each chapter; ``show_source`` lets a notebook display the
real library code instead of keeping a second copy of it.
"""

from __future__ import annotations

import inspect
import os

import numpy as np

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


def setup_notebook(seed: int = 0) -> np.random.Generator:
    """Prepare a chapter notebook and return its random generator.

    Sets compact NumPy printing, a readable matplotlib style and figure size, limits BLAS to one
    thread (so printed digits do not depend on the machine), and returns
    ``np.random.default_rng(seed)`` — the only source of randomness a notebook should use.

    Parameters
    ----------
    seed : int, default 0
        Seed of the returned generator.

    Returns
    -------
    numpy.random.Generator
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be an int, got {type(seed).__name__}")
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
        }
    )
    return np.random.default_rng(seed)


def show_source(obj) -> None:
    """Display the source code of a library function or class in the notebook.

    In Jupyter the code is syntax-highlighted (Markdown); elsewhere it is printed.

    Parameters
    ----------
    obj : function, class or module
        Anything ``inspect.getsource`` accepts.
    """
    try:
        source = inspect.getsource(obj)
    except (TypeError, OSError) as err:
        raise TypeError(f"show_source needs a function, class or module, got {obj!r}") from err
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # pragma: no cover - IPython comes with jupyter
        print(source)
        return
    if get_ipython() is None:
        print(source)
    else:  # highlighted in Jupyter; plain text where Markdown is not rendered
        display({"text/markdown": f"```python\n{source}```", "text/plain": source}, raw=True)
