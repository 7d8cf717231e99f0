"""Every chapter: the language of the messages meant for learners (English or Japanese).

A notebook chooses it once, with ``setup_notebook(seed, lang="ja")``; from then on the exercise
self-checks (``check``) and the other learner-facing messages answer in that language. Library
code writes each such message in both languages side by side::

    tr("the sign is flipped", "符号が逆です")

so that a message can never exist in one language only (a test checks every message of the
exercise checkers). Errors raised for programmers (``ValueError``/``TypeError`` on bad
arguments) stay in English, like NumPy's own.
"""

from __future__ import annotations

LANGUAGES = ("en", "ja")
_current = "en"


def set_language(lang: str) -> None:
    """Choose the language of learner-facing messages: ``"en"`` (default) or ``"ja"``.

    Raises
    ------
    ValueError
        If ``lang`` is not one of ``LANGUAGES``.
    """
    global _current
    if lang not in LANGUAGES:
        raise ValueError(f"lang must be one of {', '.join(map(repr, LANGUAGES))}, got {lang!r}")
    _current = lang


def get_language() -> str:
    """The language chosen by :func:`set_language` (``"en"`` until a notebook chooses)."""
    return _current


def tr(en: str, ja: str) -> str:
    """The message in the current language: ``en`` or ``ja`` (both must be given)."""
    return ja if _current == "ja" else en
