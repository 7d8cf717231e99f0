"""What ``check`` prints: one id per line, a reason for every NOT YET, no complex answer passing."""

from __future__ import annotations

import numpy as np
import pytest

from course_lib.exercises import Result, check, compare_arrays, exercise


@exercise("99.1", "a test exercise that echoes its message")
def _echo(answer) -> Result:
    return answer()


def line(capsys) -> str:
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1, out
    return out[0]


def test_a_none_answer_is_not_answered_yet(capsys):
    result = check("1.1", None)
    assert not result
    assert line(capsys) == f"[NOT YET] Exercise 1.1: {result.message}"
    assert result.message.startswith("not answered yet")


def test_the_student_stub_stops_the_cell_with_one_id_and_a_reason(capsys):
    def my_mse_grad(y_pred, y_true):
        raise NotImplementedError("Exercise 1.1: write your solution here")

    with pytest.raises(NotImplementedError):
        check("1.1", my_mse_grad)
    printed = line(capsys)
    assert printed.startswith("[NOT YET] Exercise 1.1: not answered yet")
    assert printed.count("Exercise 1.1") == 1


def test_nbgraders_bare_stub_gets_a_reason_too(capsys):
    def my_mse_grad(y_pred, y_true):
        raise NotImplementedError()

    with pytest.raises(NotImplementedError):
        check("1.1", my_mse_grad)
    assert "Exercise 1.1: not answered yet" in line(capsys)


@pytest.mark.parametrize("message", ["Exercise 99.1: too big.", "Exercise 99.1 — too big.", "  too big.  "])
def test_the_id_is_never_repeated(message, capsys):
    result = check("99.1", lambda: Result(False, message))
    assert result.message == "too big."
    assert line(capsys) == "[NOT YET] Exercise 99.1: too big."


def test_an_empty_message_still_gives_a_reason(capsys):
    assert check("99.1", lambda: Result(False, "")).message.startswith("not answered yet")
    assert check("99.1", lambda: Result(True, "")).message == "correct."
    capsys.readouterr()


@pytest.mark.parametrize("answer, hint", [
    (np.array([1.0, 2.0]) + 1e-3j, "complex"),
    (np.array([1.0, 2.0]) + 0j, "complex"),
    (np.array([1.0, np.nan]), "NaN"),
    (np.array([object(), object()], dtype=object), "expected numbers"),
    (["a", "b"], "expected numbers"),
    (None, "return"),
])
def test_compare_arrays_rejects_what_is_not_a_real_array(answer, hint):
    result = compare_arrays("f(x)", answer, np.array([1.0, 2.0]))
    assert not result and hint in result.message and result.message.startswith("f(x): ")


def test_compare_arrays_accepts_real_numbers_of_any_kind():
    assert compare_arrays("f(x)", [1, 2], np.array([1.0, 2.0]))
    assert compare_arrays("f(x)", np.array([1.0, 2.0], dtype=np.float32), np.array([1.0, 2.0]))
    assert not compare_arrays("f(x)", [1.0, 2.0, 3.0], np.array([1.0, 2.0]))


def test_a_complex_answer_to_exercise_1_1_does_not_pass(capsys):
    def my_mse_grad(y_pred, y_true):
        return 2.0 * (y_pred - y_true) / y_pred.size + 1e-12j

    result = check("1.1", my_mse_grad)
    assert not result and "complex" in result.message
    assert line(capsys).startswith("[NOT YET] Exercise 1.1: ")


def test_the_verdict_line_is_in_the_notebooks_language(capsys):
    import course_lib

    course_lib.setup_notebook(0, lang="ja")
    try:
        check("1.1", lambda y_pred, y_true: 2.0 * (y_pred - y_true) / y_pred.size)
        assert capsys.readouterr().out.startswith("[合格] 演習 1.1: ")
        with pytest.raises(NotImplementedError, match="演習 1.1"):
            check("1.1", ...)
        assert capsys.readouterr().out.startswith("[まだ] 演習 1.1: ")
    finally:
        course_lib.setup_notebook(0, lang="en")


def test_a_value_placeholder_stops_run_all_like_a_function_stub(capsys):
    with pytest.raises(NotImplementedError, match="Exercise 1.3 is not answered yet"):
        check("1.3", ...)
    assert line(capsys).startswith("[NOT YET] Exercise 1.3: not answered yet")
    assert not check("1.3", None)  # None is an answer (a wrong one), not the placeholder


def test_numpy_shape_errors_become_hints_with_the_learners_line(capsys):
    def product_instead_of_difference(y_pred, y_true):
        return y_pred @ y_true  # (4, 3) @ (4, 3): shapes do not match

    result = check("1.1", product_instead_of_difference)
    assert not result and "matrix product" in result.message and "line" in result.message
    assert "matmul" not in result.message  # NumPy's own wording stays out
