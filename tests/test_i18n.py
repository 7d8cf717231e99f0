"""The language of learner-facing messages and the Japanese plot font (setup_notebook(lang=...))."""

import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

import course_lib  # noqa: E402
from course_lib import i18n  # noqa: E402


@pytest.fixture(autouse=True)
def english_afterwards():
    yield
    course_lib.setup_notebook(0)


def test_tr_follows_the_language_chosen_by_setup_notebook():
    course_lib.setup_notebook(0, lang="ja")
    assert i18n.get_language() == "ja"
    assert i18n.tr("the sign is flipped", "符号が逆です") == "符号が逆です"
    course_lib.setup_notebook(0, lang="en")
    assert i18n.tr("the sign is flipped", "符号が逆です") == "the sign is flipped"


@pytest.mark.parametrize("lang", ["fr", "JA", "", None, 1])
def test_unknown_language_is_a_clear_error(lang):
    with pytest.raises(ValueError, match="lang must be one of"):
        course_lib.setup_notebook(0, lang=lang)


def test_japanese_plot_text_has_every_glyph(caplog):
    course_lib.setup_notebook(0, lang="ja")
    fig, ax = plt.subplots()
    ax.plot([-1, 0, 1], [1, -2, 3], label="学習率 η = 0.1, x₁ ≤ 1")
    ax.set(title="損失関数の勾配 −1 ⟨r, y⟩ ⊙", xlabel=r"重み $w_1$ の値", ylabel=r"損失 $\sigma(z)^2$ の勾配")
    ax.legend()
    with warnings.catch_warnings(), caplog.at_level("WARNING"):
        warnings.simplefilter("error")  # "Glyph ... missing from font" is a UserWarning
        fig.canvas.draw()  # mathtext's "Font 'default' does not have a glyph" is a log message
    plt.close(fig)
    assert not [r for r in caplog.records if "glyph" in r.getMessage().lower()]


def test_english_after_japanese_restores_the_default_font():
    course_lib.setup_notebook(0, lang="ja")
    course_lib.setup_notebook(0, lang="en")
    assert plt.rcParams["font.family"] == ["sans-serif"]
    assert plt.rcParams["axes.unicode_minus"] is True


# --- every learner-facing text exists in both languages ----------------------------------------

import ast  # noqa: E402
import re  # noqa: E402
from pathlib import Path  # noqa: E402

LIB = Path(course_lib.__file__).parent
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
PLOT_TEXT_METHODS = {"set_title", "set_xlabel", "set_ylabel", "suptitle", "text", "annotate", "set_label",
                     "supxlabel", "supylabel", "figtext"}


def _prose(node) -> str:
    """The literal text of a str constant or f-string, minus $math$ and {fields}."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        text = node.value
    elif isinstance(node, ast.JoinedStr):
        text = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
    else:
        return ""
    return re.sub(r"\$[^$]*\$", "", text)


def _words(text: str) -> int:
    """How many English words (not identifiers, not code) a text holds."""
    return sum(bool(re.fullmatch(r"[A-Za-z][a-z]+[,.;:!?)]?", token)) for token in text.split())


def _parents(tree):
    parents = {}
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            parents[child] = node
    return parents


def _inside(node, parents, predicate) -> bool:
    while node in parents:
        node = parents[node]
        if predicate(node):
            return True
    return False


def _is_tr(node) -> bool:
    return isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) == "tr"


def _is_raise(node) -> bool:
    return isinstance(node, ast.Raise)


def _docstrings(tree) -> set:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(first.value)
    return found


def _untranslated_messages(path: Path) -> list[str]:
    """Prose string literals (3+ words) of an exercise checker that are not inside tr(...) or a raise."""
    tree = ast.parse(path.read_text())
    parents, docs = _parents(tree), _docstrings(tree)
    found = []
    for node in ast.walk(tree):
        text = _prose(node)
        if node in docs or _words(text) < 3 or isinstance(parents.get(node), ast.JoinedStr):
            continue
        if not _inside(node, parents, _is_tr) and not _inside(node, parents, _is_raise):
            found.append(f"{path.name}:{node.lineno}: {text[:60]!r}")
    return found


def _untranslated_plot_text(path: Path) -> list[str]:
    """Words in plot titles, labels, legends and annotations that are not inside tr(...)."""
    tree = ast.parse(path.read_text())
    parents = _parents(tree)
    found = []
    for call in ast.walk(tree):
        if not isinstance(call, ast.Call):
            continue
        name = getattr(call.func, "attr", getattr(call.func, "id", ""))
        args = list(call.args) if name in PLOT_TEXT_METHODS else []
        args += [kw.value for kw in call.keywords if kw.arg in ("label", "title", "xlabel", "ylabel")]
        for arg in args:
            for node in ast.walk(arg):
                text = _prose(node)
                if _words(text) >= 1 and not _inside(node, parents, _is_tr) and not _is_tr(node):
                    found.append(f"{path.name}:{node.lineno}: {text[:60]!r}")
    return found


EXERCISE_MODULES = sorted((LIB / "exercises").glob("*.py"))
PLOTTING_MODULES = sorted(p for p in (LIB / "plotting").glob("*.py") if p.name != "__init__.py")


@pytest.mark.parametrize("path", EXERCISE_MODULES, ids=lambda p: p.name)
def test_every_exercise_message_has_both_texts(path):
    found = _untranslated_messages(path)
    assert not found, "wrap these in tr(english, japanese):\n" + "\n".join(found)


@pytest.mark.parametrize("path", PLOTTING_MODULES, ids=lambda p: p.name)
def test_every_plot_text_has_both_texts(path):
    found = _untranslated_plot_text(path)
    assert not found, "wrap these in tr(english, japanese):\n" + "\n".join(found)


@pytest.mark.parametrize("path", EXERCISE_MODULES + PLOTTING_MODULES, ids=lambda p: p.name)
def test_every_tr_call_has_an_english_and_a_japanese_text(path):
    for call in ast.walk(ast.parse(path.read_text())):
        if _is_tr(call):
            assert len(call.args) == 2, f"{path.name}:{call.lineno}: tr needs (english, japanese)"
            en, ja = (_prose(a) or ast.unparse(a) for a in call.args)
            assert not JAPANESE.search(en), f"{path.name}:{call.lineno}: Japanese in the English text"
            if JAPANESE.search(ast.unparse(call.args[1])) is None and _words(en) >= 2:
                pytest.fail(f"{path.name}:{call.lineno}: the Japanese text has no Japanese: {ja[:60]!r}")
