"""End to end: `qfq serve` on 127.0.0.1, the web page driven in headless Chromium (Playwright): search, an
action page with its evidence and its neighbourhood drawn by sigma.js, a similar action followed, the source
passage shown; the whole graph with a click on an action node; the profile form with an undecided
dispositif; the coverage map of a theme by département and by région with a click (and Enter) to a
territory's actions. No English word of the list (tests/test_french.py) on any view; screenshots of the views
go to tests/screenshots/ (git-ignored)."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.test_french import english_words

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--use-angle=swiftshader",  # WebGL for sigma.js without a GPU
    "--enable-unsafe-swiftshader",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DOCS = ("001_7091df44cd1e8194.txt", "002_60c96a901df60f3b.txt")
SHOTS = Path(__file__).resolve().parent / "screenshots"
VENDOR = Path(__file__).resolve().parents[1] / "api" / "static" / "vendor"

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
def server(tmp_path_factory: pytest.TempPathFactory, two_docs: Path, two_docs_data: Path, vector_cache: Path):
    assert sorted(p.name for p in two_docs.iterdir()) == list(DOCS)
    root = tmp_path_factory.mktemp("web")
    data = root / "data"
    # a copy of the session's store over the two documents, indexed (vectors in the session cache), so the
    # server starts warm
    shutil.copytree(two_docs_data, data)
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


def _french(page, view: str) -> None:
    """The view is French: no word of the list in what the page shows; and a screenshot of it."""
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{view}.png"), full_page=True)
    words = english_words(page.inner_text("body"))
    assert words == [], f"English on the {view} view: {words}"


def _post(url: str, body: dict) -> dict:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.load(response)


def test_the_page_answers_with_evidence(server: str) -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
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
        _french(page, "1-search")

        # an action page with its evidence, its neighbourhood drawn, the similar actions of other regions
        page.click("#search-results button.open-action >> text=Macigogne.fr")
        page.wait_for_selector("#similar-list .similar", timeout=60_000)
        detail = page.inner_text("#detail")
        assert "Pôle emploi (aujourd'hui France Travail)" in detail and "La Roche-sur-Yon" in detail
        assert "score" not in detail
        page.wait_for_selector("#neighbourhood-picture canvas")  # sigma drew it (WebGL)
        assert page.locator("#graph-view table tbody tr").count() >= 3  # its text equivalent
        assert "pilote" in page.text_content("#graph-view table") and "acteur" in page.inner_text(".legend")
        doc_title = "Plan régional d'action pour l'emploi"
        assert doc_title in page.inner_text("#detail .meta >> nth=0")  # the document by its title
        _french(page, "2-action-page")

        # the source passage of the evidence, lines highlighted
        page.click("#detail button.source >> nth=0")
        page.wait_for_selector("#passage-dialog[open] .hit")
        assert "Macigogne" in page.inner_text("#passage-dialog")
        assert doc_title in page.inner_text("#passage-title")
        page.click("#passage-dialog button")

        # follow a similar action: the page now shows that action
        first_similar = page.locator("#similar-list .similar button.open-action").first
        title = first_similar.inner_text()
        first_similar.click()
        page.wait_for_function("t => document.querySelector('#action-title')?.textContent === t", arg=title)

        # the whole graph; a click on an action node in the picture opens that action
        page.click("#tab-graph")
        page.click("#graph-form button[type=submit]")
        page.wait_for_selector("#graph-picture canvas")
        page.wait_for_timeout(500)  # sigma renders on the next animation frames
        node = page.evaluate(  # the action node farthest from any other, so that the click hits it alone
            """() => {
              const r = window.qfqRenderers.whole, g = r.getGraph();
              const at = (id) => r.framedGraphToViewport(r.getNodeDisplayData(id));
              const all = g.nodes().map((id) => ({ id, ...at(id) }));
              let best = null;
              for (const id of g.filterNodes((n, a) => a.kind === "action")) {
                const p = at(id);
                const others = all.filter((o) => o.id !== id);
                const gap = Math.min(...others.map((o) => Math.hypot(o.x - p.x, o.y - p.y)));
                if (!best || gap > best.gap) best = { id, gap, title: g.getNodeAttribute(id, "label"), ...p };
              }
              return best;
            }"""
        )
        box = page.locator("#graph-picture").bounding_box()
        page.mouse.click(box["x"] + node["x"], box["y"] + node["y"])
        page.wait_for_function(
            "t => (document.querySelector('#action-title')?.textContent || '').startsWith(t)",
            arg=node["title"][:30],
        )
        page.click("#tab-graph")
        _french(page, "3-graph")

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

        # without a status, a dispositif is undecided: the page says so and asks what is missing
        page.evaluate("() => { document.querySelector('#match-results').innerHTML = ''; }")
        page.uncheck("input[value=demandeur_emploi]")
        page.uncheck("input[value=garde_enfants]")
        page.click("#match-form button[type=submit]")
        undecided = _post(server + "/match", {"age": 24, "where": "85000", "statuses": [], "needs": []})
        assert undecided["undecided"]
        name = undecided["undecided"][0]["dispositif"]["name"]
        page.wait_for_function(
            "n => document.querySelector('#match-results').innerText.includes(n)", arg=name
        )
        assert name not in page.inner_text("#eligible")
        results = page.inner_text("#match-results")
        assert "préciser" in results.lower() or "?" in results
        _french(page, "4-match-undecided")

        # an unknown place is a readable error, not a crash
        page.fill("#match-where", "Atlantide")
        page.click("#match-form button[type=submit]")
        page.wait_for_selector("#match-results [role=alert]")
        assert "Atlantide" in page.inner_text("#match-results")

        # an ambiguous commune is a question, one button per commune; a click answers it
        page.fill("#match-where", "Saint-Denis")
        page.click("#match-form button[type=submit]")
        page.wait_for_selector("#match-choices button")
        assert "plusieurs communes" in page.inner_text("#match-results")
        assert "where" not in page.inner_text("#match-results")  # no parameter name shown
        page.click("#match-choices button >> text=La Réunion")
        page.wait_for_function(
            "() => document.querySelector('#match-results h2')?.textContent.includes('Saint-Denis')"
        )
        assert page.input_value("#match-where") == "Saint-Denis (974)"

        # the coverage map of a theme; a click on a département lists its actions, one opens
        page.click("#tab-coverage")
        page.wait_for_selector("#coverage-theme option[value=garde_enfants]", state="attached")
        page.select_option("#coverage-theme", "garde_enfants")
        page.click("#coverage-form button[type=submit]")
        page.wait_for_selector("svg.map path[data-code='85']")
        assert "Vendée" in page.inner_text(".coverage-table")  # the text equivalent beside the map
        page.click("svg.map path[data-code='85']")
        page.wait_for_selector("#coverage-territory li button.open-action")
        assert "Macigogne.fr" in page.inner_text("#coverage-territory")
        _french(page, "5-coverage")
        page.focus("svg.map path[data-code='85']")  # the map by keyboard too
        page.keyboard.press("Enter")
        page.click("#coverage-territory button.open-action >> text=Macigogne.fr")
        page.wait_for_function(
            "() => document.querySelector('#action-title')?.textContent === 'Macigogne.fr'"
        )

        # the same theme by région: each région the group of its départements' paths, filled alike, under
        # its outline, with its count; overseas ones are named beside the map; a click lists its actions
        regions = json.loads((VENDOR / "france-departements" / "regions.json").read_text(encoding="utf-8"))
        outlined = {r["code"]: r for r in regions["regions"]}
        with urllib.request.urlopen(server + "/coverage?theme=garde_enfants&level=region", timeout=60) as r:
            body = json.load(r)
        rows = [r for r in body["with"] if r["territory"]["code"] in outlined]
        row = max(rows, key=lambda r: len(r["local"]))
        code, name = row["territory"]["code"], row["territory"]["name"]
        page.click("#tab-coverage")
        page.select_option("#coverage-level", "region")
        page.click("#coverage-form button[type=submit]")
        shape = f"svg.map.regions g[data-code='{code}']"
        page.wait_for_selector(shape)
        assert page.locator(f"{shape} path").count() == len(outlined[code]["departements"])
        assert page.locator("svg.map .region-borders path").count() == len(outlined)
        assert page.locator("svg.map .counts text").count() == len(rows)
        label = page.get_attribute(shape, "aria-label")
        assert label.startswith(f"{name} : {len(row['local'])} action(s) locale(s)")
        assert page.locator("svg.map.regions g[role=button]").count() == len(rows)
        everywhere = [*(r["territory"] for r in body["with"]), *body["without"]]
        off = [t["name"] for t in everywhere if t["code"] not in outlined]
        assert off, "the referential has overseas régions, which the outlines do not cover"
        note = page.inner_text(".map-note")
        assert all(n in note for n in off)
        assert "8 et plus" in page.inner_text(".coverage-map .legend")
        page.click(f"{shape} path >> nth=0")
        page.wait_for_function(
            "n => (document.querySelector('#territory-title')?.textContent || '').startsWith(n)", arg=name
        )
        listed = page.locator("#coverage-territory ul.territory-actions li").count()
        assert listed == len(row["local"]) > 0
        page.focus(shape)  # by keyboard: the focused région's outline is highlighted, Enter lists its actions
        assert page.locator(f"svg.map [data-border='{code}'].focused").count() == 1
        page.evaluate("() => { document.querySelector('#coverage-territory').innerHTML = ''; }")
        page.keyboard.press("Enter")
        page.wait_for_selector("#coverage-territory ul.territory-actions li")
        _french(page, "5b-coverage-regions")

        # the vocabularies
        page.click("#tab-vocabulary")
        page.wait_for_selector("#vocabulary-results table.concepts")
        assert "Garde d'enfants" in page.inner_text("#vocabulary-results")
        _french(page, "6-vocabulary")
        assert errors == [], errors
        browser.close()
