"""MathJax and reveal.js from installed Python packages, copied next to the built HTML.

The static site (``make_html.py``) and the decks (``make_slides.py``) load nothing from the network:
each build copies what it needs into its own output folder and references it relatively, so the
folder can be zipped, put on a USB stick or served from any web server and still typesets formulas
and runs the slide engine.

* MathJax 2.7 from ``jupyter-server-mathjax`` (the package the Jupyter server itself uses). It ships
  ONE combined configuration, ``TeX-AMS-MML_HTMLorMML-full`` (HTML-CSS output); other configs such
  as ``TeX-AMS_CHTML`` are not in it and silently typeset nothing, so :data:`MATHJAX_CONFIG` is that
  one. The whole package folder is copied (12 MB with the web fonts and the menu translations,
  Japanese included).
* reveal.js 5 from ``sphinx-revealjs`` (a maintained Sphinx theme that vendors the upstream release
  files ``dist/`` and ``plugin/`` unchanged, MIT). Only what the decks use is copied: the engine,
  its CSS, the white theme with its font (WOFF), and the speaker-notes plugin (0.6 MB).

Both editions share one copy: the Japanese pages and decks live in ``<out>/ja/`` and load
``../mathjax/`` and ``../reveal.js/`` (:func:`relative_to_subfolder`). Fonts are not copied: the
Japanese pages name a stack of Japanese fonts that macOS, Windows, Linux and Android have
(:data:`JAPANESE_FONTS`, :func:`language_css`), ending in ``sans-serif``.
"""

from __future__ import annotations

import re
import shutil
from importlib.util import find_spec
from pathlib import Path

MATHJAX_CONFIG = "TeX-AMS-MML_HTMLorMML-full,Safe"
REVEAL_PARTS = ("LICENSE", "dist/reveal.js", "dist/reveal.css", "dist/reset.css", "dist/theme/white.css",
                "dist/theme/fonts/source-sans-pro", "plugin/notes/notes.js")


# jupyter-server-mathjax ships the STIX-Web fonts only (no TeX fonts): MathJax must be told, or it
# looks for TeX web fonts that are not there and falls back to the system's serif font (misplaced
# accents, upright variables). Put this right after the <script> that loads MathJax.js.
MATHJAX_FONT_CONFIG = """<script type="text/javascript">
if (window.MathJax && MathJax.Hub) {
  MathJax.Hub.Config({"HTML-CSS": {availableFonts: [], preferredFont: null, webFont: "STIX-Web",
                                   imageFont: null, linebreaks: {automatic: true}}});
}
</script>"""


# Japanese text needs a Japanese font on the reader's machine: macOS (Hiragino), Windows (Yu Gothic,
# Meiryo), Linux (Noto Sans CJK JP: Debian/Ubuntu fonts-noto-cjk; IPAex: fonts-ipaexfont), Android.
JAPANESE_FONTS = ('"Hiragino Sans", "Hiragino Kaku Gothic ProN", "Yu Gothic", YuGothic, Meiryo, '
                  '"Noto Sans CJK JP", "Noto Sans JP", "IPAexGothic", "IPAGothic", sans-serif')
JAPANESE_MONO_FONTS = ('Menlo, Consolas, "DejaVu Sans Mono", "Noto Sans Mono CJK JP", "Hiragino Sans", '
                       '"Yu Gothic", Meiryo, "Noto Sans CJK JP", "IPAexGothic", monospace')


def language_css(lang: str) -> str:
    """CSS rules for a page in ``lang``: for Japanese, the font stacks of JupyterLab's and reveal.js's
    variables (``:root:lang(ja)`` outranks their ``:root`` rules wherever it stands)."""
    if lang != "ja":
        return ""
    return (f":root:lang(ja) {{ --jp-content-font-family: {JAPANESE_FONTS}; --jp-ui-font-family: {JAPANESE_FONTS};\n"
            f"  --jp-code-font-family: {JAPANESE_MONO_FONTS}; --r-main-font: {JAPANESE_FONTS};\n"
            f"  --r-heading-font: {JAPANESE_FONTS}; }}\n"
            f"html:lang(ja) body {{ font-family: {JAPANESE_FONTS}; }}")


def relative_to_subfolder(url: str, depth: int = 1) -> str:
    """A URL relative to the output folder as seen from a page ``depth`` folders below it (``ja/``).
    Absolute URLs (``https://…``, ``/…``) are returned unchanged."""
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", url) or url.startswith("/"):
        return url
    return "../" * depth + url


class MissingAsset(RuntimeError):
    """An instructor package is not installed (``pip install -e '.[instructor]'``, done by ``make venv``)."""


def _package_dir(module: str, *parts: str) -> Path:
    spec = find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise MissingAsset(f"the Python package {module!r} is not installed: run `make venv` "
                           f"(or pip install -e '.[instructor]')")
    return Path(next(iter(spec.submodule_search_locations))).joinpath(*parts)


def mathjax_source() -> Path:
    """The folder holding ``MathJax.js`` in the installed ``jupyter-server-mathjax``."""
    folder = _package_dir("jupyter_server_mathjax", "static")
    if not (folder / "MathJax.js").is_file():
        raise MissingAsset(f"no MathJax.js in {folder}")
    return folder


def reveal_source() -> Path:
    """The reveal.js release folder (``dist/``, ``plugin/``) in the installed ``sphinx-revealjs``."""
    folder = _package_dir("sphinx_revealjs", "_static", "revealjs")
    if not (folder / "dist" / "reveal.js").is_file():
        raise MissingAsset(f"no dist/reveal.js in {folder}")
    return folder


def reveal_version(folder: Path | None = None) -> str:
    """``"5.2.0"``: read from the banner of ``dist/reveal.js``."""
    head = ((folder or reveal_source()) / "dist" / "reveal.js").read_text(encoding="utf-8")[:200]
    return head.split("reveal.js", 1)[1].split()[0] if "reveal.js" in head else "?"


def _copy(src: Path, dest: Path, skip: tuple[str, ...] = ()) -> None:
    if src.is_dir():
        shutil.copytree(src, dest, dirs_exist_ok=True, ignore=shutil.ignore_patterns(*skip) if skip else None)
    else:
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, dest)


def copy_mathjax(out: Path, name: str = "mathjax") -> str:
    """Copy MathJax into ``out/name``; return the relative URL for the ``<script src>``."""
    dest = out / name
    if not (dest / "MathJax.js").is_file():
        _copy(mathjax_source(), dest)
    return f"{name}/MathJax.js?config={MATHJAX_CONFIG}"


def copy_reveal(out: Path, name: str = "reveal.js", source: Path | None = None) -> str:
    """Copy the parts of reveal.js the decks use into ``out/name``; return the relative prefix."""
    source = source or reveal_source()
    for part in REVEAL_PARTS:
        if (source / part).exists():  # the theme's font as WOFF only (every current browser reads it)
            _copy(source / part, out / name / part, skip=("*.eot", "*.ttf"))
    return name


def folder_size(folder: Path) -> int:
    """Bytes in all files below ``folder``."""
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
