"""End to end: `qfq serve` on 127.0.0.1, the web page driven in headless Chromium (Playwright): search, the
profile form, an action page with its evidence, a similar action followed, the source passage shown."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from api.service import Service
from api.settings import Settings

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DOCS = ("001_7091df44cd1e8194.txt", "002_60c96a901df60f3b.txt")

if not Path(CHROMIUM).exists():
    if os.environ.get("CI"):
        raise RuntimeError(f"{CHROMIUM} is missing: .ci/run installs the Debian package chromium")
    pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)", allow_module_level=True)
sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path, vector_cache: Path):
    root = tmp_path_factory.mktemp("web")
    docs = root / "docs"
    docs.mkdir()
    for name in DOCS:
        shutil.copyfile(corpus_dir / name, docs / name)
    data = root / "data"
    svc = Service(Settings(data=data, corpus=[docs], vector_cache=vector_cache))
    assert svc.build().errors == 0
    svc.index()  # vectors computed here (or reused from the session cache) so the server starts warm
    svc.close()
    port = _free_port()
    env = {
        **os.environ,
        "QFQ_DATA": str(data),
        "QFQ_VECTOR_CACHE": str(vector_cache),
        "QFQ_LOG_LEVEL": "WARNING",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        cwd=Path(__file__).resolve().parents[1],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180  # the server warms up (graph, indexes, encoders) before it listens
    while True:
        try:
            urllib.request.urlopen(base + "/health", timeout=2)
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError(
                    f"qfq serve did not start: {proc.stdout.read().decode(errors='replace')}"
                ) from None
            time.sleep(0.3)
    yield base
    proc.terminate()
    proc.wait(10)


def test_the_page_answers_with_evidence(server: str) -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(server + "/")
        assert page.title().startswith("qfq")
        page.wait_for_selector("#export-links a[href='/export/gexf']")  # formats listed by /exports
        assert page.locator("#export-links a").count() == 6

        # search, by keyboard
        page.fill("#q", "places en crèche pour un entretien d'embauche")
        page.press("#q", "Enter")
        page.wait_for_selector("article.result", timeout=60_000)
        assert "Macigogne" in page.inner_text("#search-results")
        assert page.locator("#search-results blockquote.quote").count() > 0

        # an action page with its evidence and the similar actions of other regions
        page.click("#search-results button.open-action >> text=Macigogne.fr")
        page.wait_for_selector("#similar-list .similar", timeout=60_000)
        detail = page.inner_text("#detail")
        assert "Pôle emploi (aujourd'hui France Travail)" in detail and "La Roche-sur-Yon" in detail
        assert page.locator("#graph-view svg circle").count() >= 3

        # the source passage of the evidence, lines highlighted
        page.click("#detail button.source >> nth=0")
        page.wait_for_selector("#passage-dialog[open] .hit")
        assert "Macigogne" in page.inner_text("#passage-dialog")
        page.click("#passage-dialog button")

        # follow a similar action: the page now shows that action
        first_similar = page.locator("#similar-list .similar button.open-action").first
        title = first_similar.inner_text()
        first_similar.click()
        page.wait_for_function("t => document.querySelector('#action-title')?.textContent === t", arg=title)

        # the adviser's profile form
        page.click("#tab-match")
        page.fill("#age", "24")
        page.fill("#match-where", "85000")
        page.check("input[value=demandeur_emploi]")
        page.check("input[value=garde_enfants]")
        page.click("#match-form button[type=submit]")
        page.wait_for_selector("#eligible li")
        results = page.inner_text("#match-results")
        assert "Macigogne" in results and "demandeur d'emploi ✓" in results
        assert "La Roche-sur-Yon" in results

        # an unknown place is a readable error, not a crash
        page.fill("#match-where", "Atlantide")
        page.click("#match-form button[type=submit]")
        page.wait_for_selector("#match-results [role=alert]")
        assert "Atlantide" in page.inner_text("#match-results")
        browser.close()
