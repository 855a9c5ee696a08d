"""Print the fourth held-out set's HTML plans to PDF with a real browser print engine (headless Chromium).

Run once, by hand; the PDFs are committed beside their HTML sources (``sources/heldout4/``) so that the
tests do not need a browser:

    PYTHONPATH=$PWD .venv/bin/python -m tests.plans.heldout4_pdf [--chromium /usr/bin/chromium]

Chromium draws what reportlab does not: CSS multi-column text beside a floated side panel, table header
rows repeated after a page break, ligatures, automatic hyphenation, and running headers and footers with
page numbers from the print templates.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from .model import SOURCES

DIRECTORY = SOURCES / "heldout4"
HEADERS = {
    "pacte": "Pacte national pour la sobriété hydrique 2026-2030",
    "cls": "Contrat local de santé 2026-2030",
}
_HEADER = '<div style="font-size:7pt;width:100%;text-align:right;margin:0 16mm;color:#555">{text}</div>'
_FOOTER = (
    '<div style="font-size:7pt;width:100%;text-align:center;color:#555">'
    '<span class="pageNumber"></span> / <span class="totalPages"></span></div>'
)


def print_pdfs(chromium: str) -> list[Path]:
    from playwright.sync_api import sync_playwright

    written = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium)
        page = browser.new_page()
        for key, header in HEADERS.items():
            page.goto((DIRECTORY / f"{key}.html").as_uri())
            target = DIRECTORY / f"{key}.pdf"
            page.pdf(
                path=str(target),
                format="A4",
                display_header_footer=True,
                header_template=_HEADER.format(text=header),
                footer_template=_FOOTER,
                prefer_css_page_size=True,
                print_background=True,
            )
            written.append(target)
        browser.close()
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chromium", default="/usr/bin/chromium", help="The Chromium executable.")
    args = parser.parse_args()
    for path in print_pdfs(args.chromium):
        print(f"{path.name}: {path.stat().st_size} bytes")


if __name__ == "__main__":
    main()
