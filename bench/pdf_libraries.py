"""Compare pdfplumber, pypdfium2 and PyMuPDF on the generated test PDFs (tests/plans): speed, peak memory
and reading order on two-column pages with side panels.

    PYTHONPATH=$PWD .venv/bin/python bench/pdf_libraries.py [--corpus ../shared/corpus] [--out DIR]

Each (library, document) runs in a fresh process pinned to 2 cores, so the peak RSS is that library's
alone. A run extracts what a layout-aware loader needs: every character with its font name, size and box,
and the words with their boxes. Reading order is scored against the paragraphs the generator placed
(``<file>.layout.json``), both for the library's own text order and for the words regrouped by one
common XY-cut (lines, then recursive cuts along horizontal and vertical gaps). The libraries are extra
packages for this study only: ``pip install pdfplumber pypdfium2 pymupdf``.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import re
import resource
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

LIBRARIES = ("pdfplumber", "pypdfium2", "pymupdf")
SHORT = ("pacte.pdf", "pcaet.pdf", "recueil.pdf", "pdi.pdf")
CORPUS = ("corpus_propositions.pdf", "corpus_fiches.pdf")
LONG = "pacte_long.pdf"
log = logging.getLogger("bench.pdf_libraries")


# -- extraction, one library per process ----------------------------------------------------------------
def _pdfplumber(path: Path) -> tuple[int, int, list[list[tuple]], list[str]]:
    import pdfplumber

    pages, natives, chars = [], [], 0
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            chars += sum(1 for c in page.chars if c["fontname"] and c["size"])
            words = page.extract_words(extra_attrs=["fontname", "size"])
            pages.append([(w["x0"], w["top"], w["x1"], w["bottom"], w["text"]) for w in words])
            natives.append(page.extract_text() or "")
            page.flush_cache()
    return len(pages), chars, pages, natives


def _pdfium_words(tp, height: float, raw) -> list[tuple]:
    words, current, box = [], [], None
    for i in range(tp.count_chars()):
        ch = chr(raw.FPDFText_GetUnicode(tp.raw, i))
        raw.FPDFText_GetFontSize(tp.raw, i)
        raw.FPDFText_GetFontWeight(tp.raw, i)
        if ch.isspace() or ch == "\x02":
            if current:
                words.append((*box, "".join(current)))
            current, box = [], None
            continue
        left, bottom, right, top = tp.get_charbox(i, loose=True)
        if box and (left - box[2] > 1.5 or abs((height - top) - box[1]) > 2):
            words.append((*box, "".join(current)))
            current, box = [], None
        current.append(ch)
        box = (left, height - top, right, height - bottom) if box is None else (box[0], box[1], right, box[3])
    if current:
        words.append((*box, "".join(current)))
    return words


def _pypdfium2(path: Path) -> tuple[int, int, list[list[tuple]], list[str]]:
    import ctypes

    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    pdf = pdfium.PdfDocument(path)
    pages, natives, chars = [], [], 0
    buffer, flags = ctypes.create_string_buffer(256), ctypes.c_int()
    for index in range(len(pdf)):
        page = pdf[index]
        tp = page.get_textpage()
        height = page.get_height()
        for i in range(tp.count_chars()):
            raw.FPDFText_GetFontInfo(tp.raw, i, buffer, 256, ctypes.byref(flags))
        chars += tp.count_chars()
        pages.append(_pdfium_words(tp, height, raw))
        natives.append(tp.get_text_range())
        tp.close()
        page.close()
    pdf.close()
    return len(pages), chars, pages, natives


def _pymupdf(path: Path) -> tuple[int, int, list[list[tuple]], list[str]]:
    import pymupdf

    pages, natives, chars = [], [], 0
    with pymupdf.open(path) as doc:
        for page in doc:
            raw = page.get_text("rawdict")
            chars += sum(
                len(s["chars"]) for b in raw["blocks"] for ln in b.get("lines", []) for s in ln["spans"]
            )
            pages.append([(w[0], w[1], w[2], w[3], w[4]) for w in page.get_text("words")])
            natives.append(page.get_text())
    return len(pages), chars, pages, natives


EXTRACT = {"pdfplumber": _pdfplumber, "pypdfium2": _pypdfium2, "pymupdf": _pymupdf}


def peak_rss_mb() -> float:
    """High-water resident memory of this process (VmHWM: unlike ru_maxrss, not inherited over exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker(library: str, path: Path, with_quality: bool) -> dict:
    if hasattr(os, "sched_setaffinity") and (os.cpu_count() or 1) > 2:
        os.sched_setaffinity(0, set(sorted(os.sched_getaffinity(0))[:2]))
    start = time.perf_counter()
    __import__({"pymupdf": "pymupdf"}.get(library, library))
    imported = time.perf_counter()
    rss_import = peak_rss_mb()
    pages, chars, words, natives = EXTRACT[library](path)
    done = time.perf_counter()
    result = {
        "library": library,
        "document": path.name,
        "pages": pages,
        "chars": chars,
        "import_s": imported - start,
        "extract_s": done - imported,
        "ms_per_page": 1000 * (done - imported) / pages,
        "rss_import_mb": rss_import,
        "rss_peak_mb": peak_rss_mb(),
    }
    if with_quality:
        truth = json.loads(path.with_suffix(".layout.json").read_text(encoding="utf-8"))
        result["native"] = quality(natives, truth)
        result["grouped"] = quality(["\n".join(xy_cut_lines(w)) for w in words], truth)
    return result


# -- grouping words into lines and blocks (the same for every library) ------------------------------------
PAGE_H, HEADER, FOOTER = 841.89, 40.0, 40.0


def _lines(words: list[tuple]) -> list[tuple]:
    """Words into line fragments: same baseline band, horizontal gap below 0.8 x the line height."""
    out: list[list] = []
    for x0, top, x1, bottom, text in sorted(words, key=lambda w: (round(w[1]), w[0])):
        height = max(bottom - top, 1.0)
        for line in reversed(out[-6:]):
            if abs(line[1] - top) < 0.5 * height and 0 <= x0 - line[2] < 0.8 * height:
                line[2], line[3], line[4] = x1, max(line[3], bottom), line[4] + " " + text
                break
        else:
            out.append([x0, top, x1, bottom, text])
    return [tuple(line) for line in out if HEADER < line[1] < PAGE_H - FOOTER]


def _gaps(boxes: list[tuple], lo: int, hi: int, min_gap: float) -> list[float]:
    spans = sorted((b[lo], b[hi]) for b in boxes)
    cuts, reach = [], spans[0][1]
    for start, end in spans[1:]:
        if start - reach >= min_gap:
            cuts.append((start + reach) / 2)
        reach = max(reach, end)
    return cuts


def _split(boxes: list[tuple], axis: int, cuts: list[float]) -> list[list[tuple]]:
    parts: list[list[tuple]] = [[] for _ in range(len(cuts) + 1)]
    for box in boxes:
        parts[sum(1 for c in cuts if box[axis] > c)].append(box)
    return [p for p in parts if p]


def xy_cut(boxes: list[tuple], depth: int = 0) -> list[tuple]:
    """Recursive XY-cut: split along horizontal gaps (>= 4 pt) first, else vertical gaps (>= 8 pt)."""
    if len(boxes) <= 1 or depth > 40:
        return sorted(boxes, key=lambda b: (b[1], b[0]))
    rows = _gaps(boxes, 1, 3, 4.0)
    if rows:
        return [b for part in _split(boxes, 1, rows) for b in xy_cut(part, depth + 1)]
    columns = _gaps(boxes, 0, 2, 8.0)
    if columns:
        return [b for part in _split(boxes, 0, columns) for b in xy_cut(part, depth + 1)]
    return sorted(boxes, key=lambda b: (b[1], b[0]))


def xy_cut_lines(words: list[tuple]) -> list[str]:
    return [line[4] for line in xy_cut(_lines(words))] if words else []


# -- reading-order quality --------------------------------------------------------------------------------
REGION_RANK = {"col1": 0, "col2": 1, "col3": 2, "panel": 3}


def letters(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.replace("œ", "oe").replace("\xad", ""))
    return re.sub(r"[^a-z0-9]", "", "".join(c for c in folded if not unicodedata.combining(c)).lower())


def _kendall(positions: list[int]) -> float:
    n = len(positions)
    if n < 2:
        return 1.0
    concordant = sum(1 for i in range(n) for j in range(i + 1, n) if positions[i] < positions[j])
    return 2.0 * concordant / (n * (n - 1) / 2) - 1.0


def quality(page_texts: list[str], truth: list[dict]) -> dict:
    """found: paragraph starts (40 letters) found on their page; tau: Kendall tau of their positions vs
    the expected order (columns left to right, then the panel), averaged over pages; intact: paragraphs
    whose whole text comes out contiguous in the document (header and footer lines excepted)."""
    pages = [letters(t) for t in page_texts]
    document = "".join(pages)
    by_page: dict[int, list[dict]] = {}
    for entry in truth:
        by_page.setdefault(entry["page"], []).append(entry)
    found = total = intact = 0
    taus, weights = [], []
    for page, entries in by_page.items():
        entries.sort(key=lambda e: REGION_RANK.get(e["region"], 9))  # stable: placement order kept
        keys = [letters(e["text"])[:40] for e in entries]
        positions = []
        for entry, key in zip(entries, keys, strict=True):
            if len(key) < 16 or keys.count(key) > 1:  # repeated panel labels are no landmark
                continue
            total += 1
            at = pages[page - 1].find(key) if page - 1 < len(pages) else -1
            if at >= 0:
                found += 1
                positions.append(at)
            intact += letters(entry["text"]) in document
        if len(positions) >= 2:
            taus.append(_kendall(positions))
            weights.append(len(positions))
    tau = sum(t * w for t, w in zip(taus, weights, strict=True)) / sum(weights) if weights else 1.0
    total = total or 1
    return {"paragraphs": total, "found": found / total, "tau": tau, "intact": intact / total}


# -- driver -------------------------------------------------------------------------------------------------
def _generate(out: Path, corpus: Path | None) -> list[Path]:
    from tests.plans import documents

    names = set(SHORT) | (set(CORPUS) if corpus else set())
    built = documents.build(out, corpus_dir=corpus, names=names)
    built[LONG] = documents.build_long(out / LONG)
    return [built[n] for n in (*SHORT, *CORPUS, LONG) if n in built]


def _run(library: str, path: Path, quality_too: bool) -> dict:
    command = [sys.executable, __file__, "--worker", library, str(path)] + (
        ["--quality"] if quality_too else []
    )
    done = subprocess.run(command, capture_output=True, text=True, check=True, env=dict(os.environ))
    return json.loads(done.stdout.strip().splitlines()[-1])


def _versions() -> dict[str, str]:
    from importlib.metadata import version

    return {
        name: version(name) for name in ("pdfplumber", "pdfminer.six", "pypdfium2", "pymupdf", "reportlab")
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--worker", nargs=2, metavar=("LIBRARY", "PDF"))
    parser.add_argument("--quality", action="store_true")
    parser.add_argument(
        "--corpus", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "corpus"
    )
    parser.add_argument(
        "--out", type=Path, default=None, help="where to write the PDFs (default: a temp dir)"
    )
    parser.add_argument(
        "--repeat", type=int, default=3, help="timing runs per library and document (best kept)"
    )
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker[0], Path(args.worker[1]), args.quality)))
        return
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    out = args.out or Path(tempfile.mkdtemp(prefix="pdf_libraries_"))
    corpus = args.corpus if args.corpus.is_dir() else None
    paths = _generate(out, corpus)
    machine = {
        "cpu": platform.processor() or platform.machine(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        **_versions(),
    }
    rows = []
    for path in paths:
        for library in LIBRARIES:
            runs = [_run(library, path, False) for _ in range(args.repeat)]
            best = min(runs, key=lambda r: r["extract_s"])
            best.update({k: v for k, v in _run(library, path, True).items() if k in ("native", "grouped")})
            rows.append(best)
            log.info(
                "%s %s %.1f ms/page, %.0f MB", path.name, library, best["ms_per_page"], best["rss_peak_mb"]
            )
    print(json.dumps({"machine": machine, "results": rows}, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    main()
