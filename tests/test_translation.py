"""The Japanese chapters mirror the English ones: same cells, same code, no translation left behind."""

from __future__ import annotations

import re

import jupytext
import pytest

from tool_loader import ROOT, load_tool

translation = load_tool("translation")
PAIRS = translation.pairs()
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def test_every_english_chapter_has_a_japanese_edition():
    english = sorted(p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.py"))
    assert [ja.name for _, ja in PAIRS] == english


@pytest.mark.parametrize("pair", PAIRS, ids=lambda p: p[1].stem)
def test_japanese_chapter_mirrors_the_english_one(pair):
    found = translation.problems(*pair)
    assert not found, "\n".join(found)


@pytest.mark.parametrize("pair", PAIRS, ids=lambda p: p[1].stem)
def test_japanese_prose_is_japanese(pair):
    _, ja = pair
    for i, cell in enumerate(jupytext.read(ja).cells):
        if cell.cell_type == "markdown" and len(re.sub(r"\$[^$]*\$|`[^`]*`|\s", "", cell.source)) > 40:
            assert JAPANESE.search(cell.source), f"ja/{ja.name} cell {i} reads as untranslated"


# --- the checks themselves can fail -------------------------------------------------------------

EN = '''# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
# ---

# %% [markdown]
# # Title
#
# Some prose.

# %%
rng = setup(seed=0, lang="en")
x = 3  # three
print(f"loss = {x:.2f}, step {rng}")
'''


def _pair(tmp_path, ja_text):
    (tmp_path / "ja").mkdir()
    en, ja = tmp_path / "01_x.py", tmp_path / "ja" / "01_x.py"
    en.write_text(EN)
    ja.write_text(ja_text)
    nb = jupytext.read(ja)
    en_cells = jupytext.read(en).cells
    for cell, e in zip(nb.cells, en_cells):
        cell.metadata["translates"] = translation.cell_hash(e.source)
    jupytext.write(nb, ja, fmt="py:percent")
    return en, ja


def test_translated_strings_comments_and_reordered_fstrings_are_allowed(tmp_path):
    ja = EN.replace("Some prose.", "説明です。").replace("# three", "# 三").replace('"en"', '"ja"') \
        .replace('f"loss = {x:.2f}, step {rng}"', 'f"ステップ {rng} の損失 = {x:.2f}"')
    assert translation.problems(*_pair(tmp_path, ja)) == []


@pytest.mark.parametrize("change", [("x = 3", "x = 4"), ("{x:.2f}", "{x + 1:.2f}"), ("seed=0", "seed=1")])
def test_a_change_to_the_code_is_caught(tmp_path, change):
    found = translation.problems(*_pair(tmp_path, EN.replace(*change)))
    assert any("code differs" in line for line in found)


def test_a_changed_english_cell_names_the_japanese_cell_behind_it(tmp_path):
    en, ja = _pair(tmp_path, EN.replace("Some prose.", "説明です。"))
    en.write_text(EN.replace("Some prose.", "Some better prose."))
    found = translation.problems(en, ja)
    assert len(found) == 1 and "cell 0 ('# Title')" in found[0] and "older version" in found[0]
    translation.NOTEBOOKS, saved = en.parent, translation.NOTEBOOKS
    try:
        translation.stamp("ja/01_x", [0])
    finally:
        translation.NOTEBOOKS = saved
    assert translation.problems(en, ja) == []


def test_a_missing_or_extra_cell_is_caught(tmp_path):
    found = translation.problems(*_pair(tmp_path, EN + "\n# %%\ny = 1\n"))
    assert "cells must match one for one" in found[0]
