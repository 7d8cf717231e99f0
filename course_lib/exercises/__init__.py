"""Self-checks for the exercises of every chapter: ``check(exercise_id, answer)``.

Each chapter's exercises live in their own module (``ch01`` … ``ch06``) and register themselves
with :func:`exercise`. An exercise id is ``"<chapter>.<number>"``, e.g. ``"1.2"``; ``check`` loads
the chapter's module on first use, runs the learner's answer against the reference and prints a
clear pass, or a hint saying what is wrong — never a bare ``AssertionError``.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from course_lib.i18n import tr

__all__ = ["check", "exercise", "Result", "compare_arrays", "list_exercises"]


@dataclass(frozen=True)
class Result:
    """Outcome of a check: ``passed`` and the message shown to the learner."""

    passed: bool
    message: str

    def __bool__(self) -> bool:
        return self.passed

    def _ipython_display_(self) -> None:
        """Show nothing in a notebook: ``check`` has already printed the verdict."""


_REGISTRY: dict[str, tuple[str, Callable[[Any], Result]]] = {}


def exercise(exercise_id: str, title: str):
    """Register ``func(answer) -> Result`` as the checker of ``exercise_id``."""

    def decorator(func: Callable[[Any], Result]) -> Callable[[Any], Result]:
        _REGISTRY[exercise_id] = (title, func)
        return func

    return decorator


def _unanswered() -> str:
    return tr("not answered yet: write your answer in place of the placeholder, then run the cell again.",
              "まだ解答がありません：プレースホルダーの代わりに解答を書いてから、セルをもう一度実行してください。")


def compare_arrays(name: str, yours, reference, rtol: float = 1e-6, atol: float = 1e-9) -> Result:
    """Compare a learner's array with the reference: real numbers first, then shape, then values.

    Complex numbers, NaN/inf, ``Value`` objects, text and other objects fail with a hint saying
    which (``np.asarray(..., dtype=float)`` would silently drop an imaginary part); ``None``
    usually means a forgotten ``return``.

    Parameters
    ----------
    name : str
        What the array is, used in the message (e.g. ``"mse_grad(y_pred, y_true)"``).
    yours, reference : array_like
        The learner's result and the reference result (any equal shapes).
    """
    from course_lib.exercises._guards import real_array  # _guards imports Result from here

    if yours is Ellipsis:
        return Result(False, f"{name}: " + _unanswered())
    yours, problem = real_array(name, yours)
    if problem is not None:
        return problem
    reference = np.asarray(reference, dtype=np.float64)
    if yours.shape != reference.shape:
        return Result(False, tr(f"{name}: shape {yours.shape}, expected {reference.shape}.",
                                f"{name}: 形が {yours.shape} ですが、{reference.shape} のはずです。"))
    max_diff = float(np.max(np.abs(yours - reference))) if yours.size else 0.0
    if np.allclose(yours, reference, rtol=rtol, atol=atol):
        return Result(True, tr(f"{name}: matches the reference (max difference {max_diff:.1e}).",
                               f"{name}: 参照解と一致します（最大の差 {max_diff:.1e}）。"))
    return Result(False, tr(f"{name}: values differ from the reference (max difference {max_diff:.3g}).",
                            f"{name}: 値が参照解と違います（最大の差 {max_diff:.3g}）。"))


def _reason(result: Result, exercise_id: str) -> str:
    """The message without a repeated ``Exercise N.k:`` in front; a failure always says why."""
    message = re.sub(rf"^\s*(?:Exercise|演習)\s*{re.escape(exercise_id)}\s*[:：—-]?\s*", "", str(result.message or ""))
    if message.strip():
        return message.strip()
    return tr("correct.", "正解です。") if result.passed else _unanswered()


def _load_chapter(exercise_id: str) -> None:
    chapter = exercise_id.split(".", 1)[0]
    if not chapter.isdigit():
        return
    try:
        importlib.import_module(f"{__name__}.ch{int(chapter):02d}")
    except ModuleNotFoundError:
        pass


def list_exercises() -> list[str]:
    """Ids of all exercises of all chapters, sorted."""
    for chapter in range(1, 7):
        _load_chapter(f"{chapter}.0")
    return sorted(_REGISTRY, key=lambda k: tuple(int(p) for p in k.split(".")))


def check(exercise_id: str, answer) -> Result:
    """Check a learner's ``answer`` to exercise ``exercise_id`` and print the verdict.

    Parameters
    ----------
    exercise_id : str
        Like ``"1.2"`` (chapter 1, exercise 2), as written above the exercise.
    answer : object
        What the exercise asks for: usually a function you wrote, sometimes a number or array.

    Returns
    -------
    Result
        Truthy when the answer passed; ``.message`` holds the explanation.

    Raises
    ------
    NotImplementedError
        When the answer is still the student copy's placeholder (``...``, or a function that
        raises ``NotImplementedError``), so that "Run All" stops at the first unfinished exercise
        (after printing what to do).
    """
    if not isinstance(exercise_id, str):
        raise TypeError(f"exercise_id must be a string like '1.2', got {exercise_id!r}")
    _load_chapter(exercise_id)
    if exercise_id not in _REGISTRY:
        raise ValueError(f"unknown exercise_id {exercise_id!r}; known: {', '.join(list_exercises())}")
    if answer is Ellipsis:  # the student copy's placeholder for a value: stop "Run All" here too
        print(_verdict(False, exercise_id, _unanswered()))
        raise NotImplementedError(tr(f"Exercise {exercise_id} is not answered yet",
                                     f"演習 {exercise_id} はまだ解答されていません"))
    if answer is None:
        result = Result(False, _unanswered())
    else:
        title, checker = _REGISTRY[exercise_id]
        try:
            result = checker(answer)
        except NotImplementedError:  # an unfinished student copy stops here, on purpose
            print(_verdict(False, exercise_id, _unanswered()))
            raise
        except Exception as err:  # the learner's code failed: explain, do not crash
            result = Result(False, _explain_crash(err))
    result = Result(result.passed, _reason(result, exercise_id))
    print(_verdict(result.passed, exercise_id, result.message))
    return result


def _learner_line(err: Exception) -> str:
    """`` (line N of your code)`` for the innermost frame outside course_lib and NumPy, if any."""
    line, tb = "", err.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if not any(part in filename for part in ("course_lib", "numpy", "site-packages")):
            line = tr(f" (line {tb.tb_lineno} of your code)", f"（あなたのコードの {tb.tb_lineno} 行目）")
        tb = tb.tb_next
    return line


def _explain_crash(err: Exception) -> str:
    """What the learner's exception means, without NumPy's own wording for the usual shape mistakes."""
    text, where = str(err), _learner_line(err)
    if "broadcast" in text:  # NumPy: "operands could not be broadcast together …"
        return tr(f"your answer combined arrays whose shapes do not fit together{where}. Hint: print the "
                  "shapes; a sum or max over one axis needs keepdims=True to broadcast back.",
                  f"形状の合わない配列どうしを計算しています{where}。ヒント: 形状を print してみましょう。"
                  "ある軸での和や最大値を元の配列と計算するには keepdims=True が必要です。")
    if "matmul" in text or "not aligned" in text:
        return tr(f"a matrix product got shapes that do not match{where}. Hint: in A @ B the number of "
                  "columns of A must equal the number of rows of B; check for a missing .T.",
                  f"行列積の形状が合っていません{where}。ヒント: A @ B では A の列数と B の行数が"
                  "等しくなければなりません。.T の付け忘れがないか確かめましょう。")
    return tr(f"your answer raised {type(err).__name__}{where}: {text}",
              f"解答を実行すると {type(err).__name__} が発生しました{where}: {text}")


def _verdict(passed: bool, exercise_id: str, message: str) -> str:
    """The line ``check`` prints: ``[PASS] Exercise 1.2: …`` (``[合格] 演習 1.2: …`` in Japanese)."""
    if passed:
        return tr(f"[PASS] Exercise {exercise_id}: {message}", f"[合格] 演習 {exercise_id}: {message}")
    return tr(f"[NOT YET] Exercise {exercise_id}: {message}", f"[まだ] 演習 {exercise_id}: {message}")
