"""Helpers for the chapter checkers: enforce what an exercise forbids, reject answers that are not real numbers.

An exercise that says "do not call ``losses.mse_grad``" is checked with :func:`uses_name`, which reads
the names a function's code refers to (its own and those of the lambdas and helpers defined inside
it). :func:`real_array` turns an answer into a float64 array or explains why it cannot: complex
numbers, ``Value`` objects, text, NaN and inf each get their own message, in English and Japanese
(``tr``, :mod:`course_lib.i18n`).
"""

from __future__ import annotations

import types

import numpy as np

from course_lib.exercises import Result
from course_lib.i18n import tr

__all__ = ["uses_name", "real_array", "returned_none", "changed_input"]


def returned_none(name: str) -> str:
    """The hint for an answer that returned None (a missing ``return``, or a ``print`` instead)."""
    return tr(f"{name}: your answer returned None — is a `return` missing (a `print` does not return)?",
              f"{name}: 答えが None を返しました。`return` を書き忘れていませんか（`print` では値は返りません）。")



def _code_names(code: types.CodeType) -> set[str]:
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):  # a lambda or a function defined inside
            names |= _code_names(const)
    return names


def uses_name(func, *names: str) -> str | None:
    """The first of ``names`` that ``func``'s code refers to (as a global or an attribute), else ``None``.

    ``losses.mse_grad(...)`` and ``mse_grad(...)`` (imported) both refer to ``"mse_grad"``; a
    local variable of the same name does not count. Objects without code (builtins, callable
    instances) refer to nothing.
    """
    code = getattr(func, "__code__", None)
    if code is None:
        return None
    found = _code_names(code)
    return next((name for name in names if name in found), None)


def real_array(name: str, value, finite: bool = True) -> tuple[np.ndarray | None, Result | None]:
    """``(array, None)`` with ``value`` as a float64 array, or ``(None, Result)`` saying what is wrong.

    Parameters
    ----------
    name : str
        What the value is, used in the message (e.g. ``"log_softmax(z)"``).
    value : object
        The learner's result: a number, a list or an array.
    finite : bool, default True
        Reject NaN and inf too (``False``: let the caller give a more specific hint).
    """
    if value is None:
        return None, Result(False, returned_none(name))
    try:
        array = np.asarray(value)
    except (TypeError, ValueError):  # ragged lists
        return None, Result(False, tr(f"{name}: expected numbers in a regular array, got {type(value).__name__}.",
                                      f"{name}: 形のそろった配列の数値が必要ですが、{type(value).__name__} が"
                                      "返されました。"))
    if array.dtype.kind == "c":
        return None, Result(False, tr(f"{name}: got complex numbers; the answer is real — check for a "
                                      "square root or log of a negative number.",
                                      f"{name}: 複素数が返されました。答えは実数です。負の数の平方根や対数を"
                                      "とっていないか確かめてください。"))
    if array.dtype.kind == "O":
        if any(type(v).__name__ == "Value" for v in array.ravel()):
            return None, Result(False, tr(f"{name}: got Value objects; return plain numbers (their .data or .grad).",
                                          f"{name}: Value オブジェクトが返されました。ふつうの数（その .data か "
                                          ".grad）を返してください。"))
        try:
            array = array.astype(np.float64)
        except (TypeError, ValueError):
            return None, Result(False, tr(f"{name}: expected numbers, got {type(value).__name__}.",
                                          f"{name}: 数値が必要ですが、{type(value).__name__} が返されました。"))
    if array.dtype.kind not in "biuf":
        return None, Result(False, tr(f"{name}: expected numbers, got {type(value).__name__} of dtype {array.dtype}.",
                                      f"{name}: 数値が必要ですが、dtype が {array.dtype} の {type(value).__name__} "
                                      "が返されました。"))
    array = array.astype(np.float64)
    if finite and not np.all(np.isfinite(array)):
        return None, Result(False, tr(f"{name}: contains NaN or inf.", f"{name}: NaN か inf が含まれています。"))
    return array, None


def changed_input(**given_and_original) -> Result | None:
    """A failing Result if the learner's function changed an array it was given, in place.

    Each keyword names an argument as the exercise does, with the pair ``(given, original)``:
    the copy the function received and the untouched original, e.g.
    ``changed_input(p=(p_given, p), g=(g_given, g))``.
    """
    for name, (given, original) in given_and_original.items():
        if not np.array_equal(given, original):
            return Result(False, tr(
                f"your function changed its input {name} in place (e.g. `{name} -= …`). Hint: compute "
                f"a new array and return it; the caller still needs the old {name}.",
                f"関数が入力の {name} をその場で書き換えています（たとえば `{name} -= …`）。"
                f"ヒント: 新しい配列を計算して返しましょう。呼び出し側はもとの {name} をまだ使います。"))
    return None
