"""One course glossary: every chapter's table (both editions) comes from course_lib.glossary."""

import pytest

from course_lib import glossary
from tool_loader import load_tool

glossary_tool = load_tool("glossary")

# The terms Japanese learners know from 『ゼロから作るDeep Learning』 (issue 13's list).
ZERO_KARA = {
    "backpropagation": "誤差逆伝播法", "loss function": "損失関数", "gradient descent": "勾配降下法",
    "stochastic gradient descent (SGD)": "確率的勾配降下法", "learning rate": "学習率",
    "weight / bias": "重み / バイアス", "activation function / activation": "活性化関数",
    "forward propagation": "順伝播", "chain rule": "連鎖律", "computational graph": "計算グラフ",
    "gradient check": "勾配確認", "mini-batch": "ミニバッチ", "epoch": "エポック", "overfitting": "過学習",
}


@pytest.mark.parametrize("path_lang_chapter", glossary_tool.chapters(), ids=lambda c: f"{c[1]}-{c[0].stem}")
def test_every_chapter_table_is_generated_from_the_glossary(path_lang_chapter):
    assert not glossary_tool.sync(*path_lang_chapter, write=False), \
        f"{path_lang_chapter[0].name}: run `.venv/bin/python tools/glossary.py write`"


@pytest.mark.parametrize("en, ja", ZERO_KARA.items())
def test_terms_follow_zero_kara(en, ja):
    assert glossary.TERMS[en].ja.startswith(ja)


def test_one_japanese_name_per_term_and_every_listed_term_defined():
    names = [t.ja for t in glossary.TERMS.values()]
    assert len(names) == len(set(names)), "two English terms share a Japanese name"
    for chapter, keys in glossary.CHAPTERS.items():
        assert keys and all(k in glossary.TERMS for k in keys), chapter
        assert len(keys) == len(set(keys)), f"chapter {chapter} lists a term twice"


def test_coined_terms_are_marked_in_both_tables():
    coined = [t for t in glossary.TERMS.values() if t.coined]
    assert coined
    chapter = next(ch for ch, keys in glossary.CHAPTERS.items() if coined[0].en in keys)
    assert f"{coined[0].ja}（本講座の用語）" in glossary.table(chapter, "ja")
    assert "(course term)" in glossary.table(chapter, "en")


def test_lookup_finds_either_language_and_says_when_nothing_matches():
    assert glossary.lookup("学習率").en == "learning rate"
    assert glossary.lookup("chain rule").ja == "連鎖律"
    with pytest.raises(KeyError, match="no glossary term"):
        glossary.lookup("flux capacitor")
    with pytest.raises(ValueError, match="chapter"):
        glossary.table(7)
    with pytest.raises(ValueError, match="lang"):
        glossary.table(1, "fr")
