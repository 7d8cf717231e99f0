"""setup_notebook, show_source and the exercise-check framework."""

import ast
import os

import numpy as np
import pytest

import course_lib
from course_lib import losses
from course_lib.exercises import Result, check, compare_arrays, list_exercises


def test_setup_notebook_returns_a_seeded_generator():
    a = course_lib.setup_notebook(seed=3).normal(size=4)
    b = course_lib.setup_notebook(seed=3).normal(size=4)
    np.testing.assert_array_equal(a, b)
    assert os.environ["OPENBLAS_NUM_THREADS"]


@pytest.mark.parametrize("seed", ["0", 1.5, None, True])
def test_setup_notebook_rejects_a_bad_seed(seed):
    with pytest.raises(TypeError, match="seed"):
        course_lib.setup_notebook(seed=seed)


def test_show_source_prints_the_real_code(capsys):
    course_lib.show_source(losses.mse)
    out = capsys.readouterr().out
    assert out.startswith("def mse(") and "np.mean" in out


def test_show_source_rejects_what_has_no_source():
    with pytest.raises(TypeError, match="show_source"):
        course_lib.show_source(3)


@pytest.mark.parametrize("obj", [3, None, "losses.mse", np.add, len])
def test_show_source_names_itself_for_anything_without_python_source(obj):
    with pytest.raises(TypeError, match="show_source needs a Python function"):
        course_lib.show_source(obj)


@pytest.mark.parametrize("flag", [1, "yes", None])
def test_show_source_docstring_flag_must_be_a_bool(flag):
    with pytest.raises(TypeError, match="docstring must be True or False"):
        course_lib.show_source(losses.mse, docstring=flag)


def test_show_source_hides_docstrings_by_default_and_keeps_comments(capsys):
    from course_lib.layers import Linear, Sigmoid

    course_lib.show_source(Linear.forward)
    out = capsys.readouterr().out
    assert out.startswith("def forward(self, x)")  # dedented: a method reads like a function
    assert '"""' not in out and "Parameters" not in out and "# backward needs x" in out
    assert "x @ self.params[\"W\"] + self.params[\"b\"]" in out
    course_lib.show_source(Sigmoid)  # a class: its docstring and every method's are gone
    out = capsys.readouterr().out
    assert '"""' not in out and out.count("def ") == 2
    ast.parse(out)  # what is shown is still valid Python


def test_show_source_docstring_true_shows_them(capsys):
    course_lib.show_source(losses.mse, docstring=True)
    out = capsys.readouterr().out
    assert '"""Mean squared error' in out and "Raises" in out


def test_show_source_of_a_property_shows_its_getter(capsys):
    from course_lib.network import Sequential

    course_lib.show_source(Sequential.params)
    assert "def params(self)" in capsys.readouterr().out


def test_without_docstrings_keeps_a_docstring_only_body_and_plain_strings():
    from course_lib.notebook import _without_docstrings

    src = '''def stub():
    """Only a docstring."""


def f(x):
    """Doc."""

    s = "not a docstring"
    return s
'''
    out = _without_docstrings(src)
    assert '"""Only a docstring."""' in out and '"""Doc."""' not in out
    assert 's = "not a docstring"' in out
    ast.parse(out)


def test_compare_arrays_reports_shape_then_values():
    assert compare_arrays("x", [1.0, 2.0], [1.0, 2.0])
    assert "shape" in compare_arrays("x", [1.0], [1.0, 2.0]).message
    assert "differ" in compare_arrays("x", [1.0, 3.0], [1.0, 2.0]).message
    assert "NaN" in compare_arrays("x", [np.nan], [1.0]).message


def test_check_passes_the_reference_and_hints_on_a_wrong_answer(capsys):
    assert check("1.1", losses.mse_grad)
    wrong = check("1.1", lambda p, t: (p - t))
    out = capsys.readouterr().out
    assert not wrong and "[PASS]" in out and "[NOT YET]" in out and "Hint" in out


def test_check_explains_placeholders_and_crashes(capsys):
    with pytest.raises(NotImplementedError):
        check("1.1", ...)
    assert not check("1.1", lambda p, t: p.nope)
    out = capsys.readouterr().out
    assert "placeholder" in out and "AttributeError" in out


def test_check_stops_at_an_unfinished_exercise(capsys):
    def stub(*args):
        raise NotImplementedError("Exercise 1.1: write your solution here")

    with pytest.raises(NotImplementedError, match="Exercise 1.1"):
        check("1.1", stub)
    assert "[NOT YET] Exercise 1.1: not answered yet" in capsys.readouterr().out


def test_chapter_1_checkers():
    z = np.array([[1.0, 2.0]])
    assert check("1.2", losses.log_softmax)
    assert not check("1.2", lambda z: np.log(np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)))
    assert check("1.3", -np.log(0.14)) and not check("1.3", -np.log(0.7)) and not check("1.3", "x")
    assert check("1.4", losses.softmax_cross_entropy_grad)
    assert not check("1.4", lambda z, y: losses.softmax(z) - losses.one_hot(y, z.shape[1]))
    assert z.shape == (1, 2)


def test_unknown_exercise_id():
    with pytest.raises(ValueError, match="unknown exercise_id"):
        check("9.9", 1)
    with pytest.raises(TypeError, match="exercise_id"):
        check(1.1, 1)


def test_every_chapter_has_at_least_three_registered_exercises():
    ids = list_exercises()
    for chapter in range(1, 7):  # other tests may register made-up exercises such as "99.1"
        assert sum(i.startswith(f"{chapter}.") for i in ids) >= 3
    assert isinstance(Result(True, ""), Result)


def test_chapter_1_targeted_hints(capsys):
    assert check("1.5", lambda z, t: np.mean(np.logaddexp(0, z) - t * z))
    assert not check("1.5", lambda z, t: np.sum(np.logaddexp(0, z) - t * z))
    assert not check("1.5", lambda z, t: losses.binary_cross_entropy(1 / (1 + np.exp(-z)), t))
    assert not check("1.5", lambda z, t: np.mean(np.log(1 + np.exp(z)) - t * z))
    assert not check("1.1", lambda p, t: (p - t) / p.size)
    assert not check("1.2", lambda z: z - z.max(axis=0) - np.log(np.exp(z - z.max(axis=0)).sum(axis=0)))
    assert not check("1.3", np.log(0.14))
    out = capsys.readouterr().out
    for hint in ["the sum", "Clipping", "inf/NaN", "factor 2", "ROW", "wrong sign"]:
        assert hint in out, hint
