"""``make lab`` checked in a real browser: JupyterLab serves chapter 1, headless Chromium renders it.

Skipped where no Chromium is installed (Debian: ``apt-get install -y chromium``). The server runs
on a free loopback port with a random token, serving a temporary copy of the chapter notebooks:
opening a notebook in JupyterLab writes ``.ipynb_checkpoints/`` and can autosave it, and the same
pytest session validates the real notebooks with nbval. The screenshot and the rendered DOM are
saved in ``build/browser/``; the server is stopped by its PID.
"""

from __future__ import annotations

import html
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
JA_NOTEBOOKS = sorted((ROOT / "notebooks" / "ja").glob("[0-9][0-9]_*.ipynb"))
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
OUT = ROOT / "build" / "browser"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="no chromium binary (apt-get install -y chromium)"),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get_json(url: str, token: str):
    request = urllib.request.Request(url, headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


@pytest.fixture
def lab(tmp_path):
    """A running JupyterLab on a copy of the notebooks: yields ``(base_url, token)``."""
    if not NOTEBOOKS:
        pytest.skip("no chapter notebooks yet")
    served = tmp_path / "notebooks"
    served.mkdir()
    for path in NOTEBOOKS:
        shutil.copy2(path, served / path.name)
    port, token = free_port(), secrets.token_hex(16)
    jupyter = Path(sys.executable).with_name("jupyter")
    command = [str(jupyter if jupyter.exists() else shutil.which("jupyter")), "lab", "--no-browser",
               f"--port={port}", "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={token}",
               f"--notebook-dir={served}", "--ServerApp.port_retries=0",
               "--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
               f"--LabApp.user_settings_dir={tmp_path / 'settings'}",
               f"--LabApp.workspaces_dir={tmp_path / 'workspaces'}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    news = tmp_path / "settings" / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
    news.parent.mkdir(parents=True)
    news.write_text('{"fetchNews": "false"}')  # no "get Jupyter news?" pop-up over the screenshot
    env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"))
    log = (tmp_path / "lab.log").open("w")
    server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=tmp_path)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            if server.poll() is not None:
                pytest.fail(f"JupyterLab exited with {server.returncode}:\n{(tmp_path / 'lab.log').read_text()}")
            try:
                status = get_json(f"{base}/api/status", token)
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"JupyterLab did not answer in 90 s:\n{(tmp_path / 'lab.log').read_text()}")
                time.sleep(0.5)
        assert "started" in status
        yield base, token
    finally:
        server.terminate()  # SIGTERM to the server's PID: it shuts its kernels down and exits
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)
        log.close()


def chromium(url: str, profile: Path, budget_ms: int, *action: str, size="1400,1000") -> subprocess.CompletedProcess:
    command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               f"--user-data-dir={profile}", f"--virtual-time-budget={budget_ms}", f"--window-size={size}",
               *action, url]
    return subprocess.run(command, capture_output=True, text=True, timeout=180)


def test_jupyterlab_renders_chapter_one(lab, tmp_path):
    base, token = lab
    path = NOTEBOOKS[0]
    nb = nbformat.read(path, as_version=4)
    title = next(line[2:].strip() for line in nb.cells[0].source.splitlines() if line.startswith("# "))
    first_output = next(o.text.splitlines()[0] for c in nb.cells if c.cell_type == "code"
                        for o in c.get("outputs", []) if o.output_type == "stream" and o.text.strip())

    model = get_json(f"{base}/api/contents/{path.name}", token)  # the server sees the notebook
    assert model["type"] == "notebook" and model["name"] == path.name
    assert model["content"]["cells"][0]["source"].startswith("# Chapter")

    url = f"{base}/lab/tree/{path.name}?token={token}"
    for attempt, budget in enumerate((30_000, 60_000, 120_000)):  # JupyterLab renders client-side
        run = chromium(url, tmp_path / f"profile-dom{attempt}", budget, "--dump-dom")
        dom = html.unescape(run.stdout)
        if title in dom and first_output in dom:
            break
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "lab.dom.html").write_text(run.stdout, encoding="utf-8")
    assert title in dom and title.startswith("Chapter 1"), f"title not rendered (exit {run.returncode}): {run.stderr[-2000:]}"
    assert "jp-OutputArea-output" in dom and first_output in dom, "no rendered output on the page"
    assert 'data:image/png;base64,' in dom, "no figure rendered"

    shot = OUT / "lab.png"
    shot.unlink(missing_ok=True)
    # a tall window, so that the picture shows the first outputs and a figure too
    run = chromium(url, tmp_path / "profile-shot", budget, f"--screenshot={shot}", size="1400,2400")
    assert shot.is_file() and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", run.stderr[-2000:]
    assert shot.stat().st_size > 20_000, "the screenshot looks blank"


# ---------------------------------------------------------------- decks and site, offline

from tool_loader import load_tool  # noqa: E402  (tests/ is on sys.path)

DECK_SIZE = (1280, 720)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The student decks of every chapter in both editions, and the site of chapters 1-2 in both."""
    if not NOTEBOOKS:
        pytest.skip("no chapter notebooks yet")
    out = tmp_path_factory.mktemp("published")
    load_tool("make_slides").build(NOTEBOOKS + JA_NOTEBOOKS, out / "slides")
    load_tool("make_html").build(NOTEBOOKS[:2] + JA_NOTEBOOKS[:2], out / "html")
    return out


def offline_page(browser, url: str):
    """A page with the network switched off (file:// still loads), then ``url`` opened."""
    page = browser.page()
    page.send("Network.enable")
    page.send("Network.emulateNetworkConditions", offline=True, latency=0, downloadThroughput=-1,
              uploadThroughput=-1)
    page.navigate(url)
    return page


MATHJAX_OUTPUT = "document.querySelectorAll('.MathJax, .MathJax_Display, .MathJax_SVG').length"
# jupyter-server-mathjax ships STIX-Web fonts only: anything else means the system's serif font
MATHJAX_FONT = "MathJax.OutputJax['HTML-CSS'].fontInUse"
RAW_TEX = r"document.body.innerText.includes('\\frac') || document.body.innerText.includes('\\partial')"


def test_deck_runs_offline_with_math_counter_and_speaker_notes(built):
    from cdp import Browser

    deck = built / "slides" / f"{NOTEBOOKS[0].stem}.slides.html"
    OUT.mkdir(parents=True, exist_ok=True)
    with Browser(*DECK_SIZE) as browser:
        page = offline_page(browser, deck.as_uri())
        assert page.wait_for("window.Reveal && Reveal.isReady()", 60), "reveal.js did not start offline"
        assert not page.evaluate("document.documentElement.classList.contains('no-reveal')")
        assert page.wait_for(f"{MATHJAX_OUTPUT} > 0 && MathJax.Hub.queue.pending === 0", 90), "no typeset math"
        assert not page.evaluate(RAW_TEX), "LaTeX source left on the page"
        assert page.evaluate(MATHJAX_FONT) == "STIX-Web"
        counter = "document.querySelector('.slide-number').textContent.replace(/\\s+/g, '')"
        total = page.evaluate("Reveal.getTotalSlides()")
        assert page.evaluate(counter) == f"1/{total}"
        page.key(" ", "Space", 32)  # next slide, vertical sub-slides included (the right arrow skips them)
        assert page.wait_for(f"{counter} === '2/{total}'", 10), page.evaluate(counter)
        page.key("ArrowRight", "ArrowRight", 39)  # next section
        third = page.evaluate("Reveal.getIndices()")
        assert third["h"] == 1 and third["v"] == 0
        time.sleep(1.5)  # let the slide transition finish before the picture
        page.screenshot(OUT / "deck-section2.png")
        page.evaluate("Reveal.slide(0, 0)")
        time.sleep(1.5)
        page.screenshot(OUT / "deck-title.png")
        # the speaker view: reveal's notes plugin opens it in a new window
        page.evaluate("Reveal.slide(2, 0)")
        page.key("s", "KeyS", 83)
        speaker = browser.page(match=lambda url: url == "about:blank" and True)
        assert speaker.wait_for("document.title.includes('Speaker View')", 30), "no speaker view"
        assert speaker.wait_for("document.querySelector('.speaker-controls-notes .value') && "
                                "document.querySelector('.speaker-controls-notes .value').innerText.includes('Say:')", 30)
        notes = speaker.evaluate("document.querySelector('.speaker-controls-notes .value').innerText")
        assert "Ask:" in notes and "Watch for:" in notes, notes
        time.sleep(2)
        speaker.screenshot(OUT / "deck-speaker-view.png")


def test_every_deck_fits_the_screen(built):
    """Every sub-slide of every deck, typeset, measured at 1280x720 (reveal scales the slide to it).

    tools/slide_layout.py estimates heights; a few sub-slides may still come out a little taller
    (they scroll): at most 3 % of them."""
    from cdp import Browser

    report, over_all, total = [], [], 0
    with Browser(*DECK_SIZE) as browser:
        for path in NOTEBOOKS + JA_NOTEBOOKS:
            deck = built / "slides" / ("ja" if path.parent.name == "ja" else "") / f"{path.stem}.slides.html"
            page = offline_page(browser, deck.as_uri())
            assert page.wait_for("window.Reveal && Reveal.isReady() && window.MathJax && MathJax.Hub && "
                                 "MathJax.Hub.queue.pending === 0", 90)
            heights = page.evaluate("""(() => Reveal.getSlides().filter(s => !s.querySelector('section')).map(s => {
                const i = Reveal.getIndices(s); Reveal.slide(i.h, i.v);
                return [i.h, i.v, Reveal.getCurrentSlide().scrollHeight]; }))()""")
            over = [(h, v, px) for h, v, px in heights if px > DECK_SIZE[1] * 1.02]
            report.append(f"{deck.relative_to(built / 'slides')}: {len(heights)} sub-slides, {len(over)} taller than {DECK_SIZE[1]} px {over}")
            over_all += [(path.stem, *o) for o in over]
            total += len(heights)
            page.close()
    print("\n".join(report))
    assert len(over_all) <= max(2, total * 3 // 100), "sub-slides taller than the screen:\n" + "\n".join(report)


def test_site_typesets_math_offline(built):
    from cdp import Browser

    chapter = built / "html" / f"{NOTEBOOKS[0].stem}.html"
    with Browser(1280, 900) as browser:
        page = offline_page(browser, chapter.as_uri())
        assert page.wait_for(f"{MATHJAX_OUTPUT} > 10 && MathJax.Hub.queue.pending === 0", 90), "no typeset math"
        assert not page.evaluate(RAW_TEX), "LaTeX source left on the page"
        assert page.evaluate(MATHJAX_FONT) == "STIX-Web"
        page.screenshot(OUT / "site-chapter.png")
        page.navigate((built / "html" / "index.html").as_uri())
        assert page.wait_for("document.querySelectorAll('ol.chapters li').length", 30) == 2
        page.screenshot(OUT / "site-index.png")


def japanese_font_installed() -> bool:
    """Whether fontconfig knows a font with Japanese glyphs (Debian: fonts-noto-cjk, installed by .ci/run)."""
    fc_list = shutil.which("fc-list")
    return bool(fc_list and subprocess.run([fc_list, ":lang=ja"], capture_output=True, text=True).stdout.strip())


def test_japanese_deck_and_site_offline_with_english_speaker_notes(built):
    """The Japanese deck (lang="ja", a Japanese font stack) typesets offline, and its speaker view shows
    the English notes of the matching English slide; a Japanese site page has Japanese navigation.
    Screenshots: build/browser/deck-ja-*.png, site-ja-chapter.png (a CJK font must be installed to read them)."""
    from cdp import Browser

    if not JA_NOTEBOOKS:
        pytest.skip("no Japanese chapters")
    if not japanese_font_installed():
        print("WARNING: no Japanese font installed (apt-get install fonts-noto-cjk): the screenshots show boxes")
    path = JA_NOTEBOOKS[0]
    deck = built / "slides" / "ja" / f"{path.stem}.slides.html"
    OUT.mkdir(parents=True, exist_ok=True)
    with Browser(*DECK_SIZE) as browser:
        page = offline_page(browser, deck.as_uri())
        assert page.wait_for("window.Reveal && Reveal.isReady()", 60), "reveal.js did not start offline"
        assert page.wait_for(f"{MATHJAX_OUTPUT} > 0 && MathJax.Hub.queue.pending === 0", 90), "no typeset math"
        assert page.evaluate("document.documentElement.lang") == "ja"
        family = page.evaluate("getComputedStyle(document.querySelector('.reveal .jp-RenderedHTMLCommon')).fontFamily")
        assert "Noto Sans CJK JP" in family and "Hiragino Sans" in family, family
        if japanese_font_installed():
            assert page.evaluate("document.fonts.check('20px \"Noto Sans CJK JP\"', '損失関数')")
        title = page.evaluate("document.querySelector('.reveal h1').innerText")
        assert title.startswith("第1章"), title
        time.sleep(1.5)
        page.screenshot(OUT / "deck-ja-title.png")
        page.evaluate("Reveal.slide(2, 0)")
        time.sleep(1.5)
        page.screenshot(OUT / "deck-ja-section.png")
        page.key("s", "KeyS", 83)
        speaker = browser.page(match=lambda url: url == "about:blank")
        assert speaker.wait_for("document.title.includes('Speaker View')", 30), "no speaker view"
        notes = ("document.querySelector('.speaker-controls-notes .value') && "
                 "document.querySelector('.speaker-controls-notes .value').innerText")
        assert speaker.wait_for(f"({notes} || '').includes('Say:')", 30), "no speaker notes on a Japanese slide"
        assert "Ask:" in speaker.evaluate(notes) and "Watch for:" in speaker.evaluate(notes)
        time.sleep(2)
        speaker.screenshot(OUT / "deck-ja-speaker-view.png")
    with Browser(1280, 900) as browser:
        page = offline_page(browser, (built / "html" / "ja" / f"{path.stem}.html").as_uri())
        assert page.wait_for(f"{MATHJAX_OUTPUT} > 10 && MathJax.Hub.queue.pending === 0", 90), "no typeset math"
        assert page.evaluate(MATHJAX_FONT) == "STIX-Web"
        nav = page.evaluate("document.querySelector('nav.course-nav').innerText")
        assert "目次" in nav and "次へ" in nav and "English" in nav, nav
        page.screenshot(OUT / "site-ja-chapter.png")


def test_live_slides_in_jupyterlab(lab, tmp_path):
    """jupyterlab-rise presents chapter 1 from the running JupyterLab, laid out by slide_layout.py
    (what ``make notebooks`` stores in the notebooks): sub-slides, a slide counter, typeset math."""
    from cdp import Browser

    base, token = lab
    path = NOTEBOOKS[0]
    served = tmp_path / "notebooks" / path.name
    assert load_tool("slide_layout").main([str(served)]) == 0
    nb = nbformat.read(served, as_version=4)
    kinds = [c.metadata.get("slideshow", {}).get("slide_type") for c in nb.cells]
    with Browser(*DECK_SIZE) as browser:
        page = browser.page(f"{base}/rise/{path.name}?token={token}")
        assert page.wait_for("document.querySelectorAll('.reveal .slides section').length > 3", 120), \
            "jupyterlab-rise did not render the notebook as slides"
        counter = "(document.querySelector('.slide-number') || {textContent: ''}).textContent.replace(/\\s+/g, '')"
        total = 1 + kinds[1:].count("slide") + kinds.count("subslide")
        assert page.wait_for(f"{counter} === '1/{total}'", 60), page.evaluate(counter)
        page.key(" ", "Space", 32)
        page.key(" ", "Space", 32)
        assert page.wait_for(f"{counter} === '3/{total}'", 30), page.evaluate(counter)
        assert page.wait_for("document.querySelectorAll('mjx-container').length > 0", 60), "no typeset math"
        time.sleep(1.5)
        page.screenshot(OUT / "lab-live-slides.png")
