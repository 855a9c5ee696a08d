"""Malformed documents: each one gets its own report line with a clear error, none crashes the ingest, none
changes what is stored — through `Service.build` (the directory walk), `Service.ingest` (named files) and
`POST /documents`. `write_cases` is shared with bench/reliability.py."""

from __future__ import annotations

import io
import os
import shutil
import zipfile
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.service import Service
from api.settings import Settings

GOOD = "001_7091df44cd1e8194.txt"
DEEP = 50_000  # nesting depth of the deep-markup cases
# what a clear per-file error never is
CRASH_WORDS = ("erreur interne", "internal error", "Traceback", "RecursionError")


def _zip(members: dict[str, bytes | str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _docx_bytes() -> bytes:
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_heading("Fiche 1", level=2)
    document.add_paragraph("Pilote du projet : Région")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _odt_bytes() -> bytes:
    pytest.importorskip("odf")
    from odf.opendocument import OpenDocumentText
    from odf.text import P

    document = OpenDocumentText()
    document.text.addElement(P(text="Pilote du projet : Région"))
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()


def _with_member(archive: bytes, member: str, data: str) -> bytes:
    """The ZIP ``archive`` with ``member`` replaced by ``data`` (a real document with forged XML inside)."""
    source = zipfile.ZipFile(io.BytesIO(archive))
    return _zip({n: (data if n == member else source.read(n)) for n in source.namelist()})


def _pdf(path: Path, **canvas_options) -> None:
    canvas = pytest.importorskip("reportlab.pdfgen.canvas")
    c = canvas.Canvas(str(path), **canvas_options)
    if canvas_options.get("encrypt"):
        c.drawString(72, 700, "Fiche 1 Pilote du projet : Région")
    else:  # no text layer: a drawing only
        c.rect(72, 500, 200, 200, fill=1)
    c.save()


def _zero_page_pdf(path: Path) -> None:
    pdfium = pytest.importorskip("pypdfium2")
    pdfium.PdfDocument.new().save(str(path))


_ODT_MIME = "application/vnd.oasis.opendocument.text"
_DEEP_XML = "<a>" * DEEP + "x" + "</a>" * DEEP
_DEEP_HTML = "<html><body>" + "<div>" * DEEP + "texte" + "</div>" * DEEP + "</body></html>"


def _byte_cases() -> dict[str, bytes]:
    """Malformed documents that are plain bytes, by file name."""
    docx, odt = _docx_bytes(), _odt_bytes()
    workbook = '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets>'
    return {
        "vide.txt": b"",
        "blanc.md": b"  \n\n\t \n",
        "binaire.txt": bytes(range(256)) * 40,
        "nuls.txt": b"Pilote : R\x00\x00\x00gion\x00" * 200,
        "controles.txt": bytes(range(1, 32)) * 100,
        "tronque.pdf": b"%PDF-1.4\n1 0 obj << /Type /Catalog",
        "entete-seul.pdf": b"%PDF-1.7\n" + os.urandom(4000),
        "texte.pdf": b"Ceci n'est pas un PDF.\n",
        "pas-un-zip.docx": b"Ceci n'est pas un DOCX.\n",
        "ancien.docx": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 2000,
        "zip-sans-document.docx": _zip({"autre.xml": "<a/>"}),
        "tronque.docx": docx[: len(docx) // 2],
        "xml-casse.docx": _with_member(docx, "word/document.xml", "<w:document><w:body><w:p>"),
        "xml-profond.docx": _with_member(docx, "word/document.xml", _DEEP_XML),
        "zip-casse.docx": _zip({"word/document.xml": "<w:document/>"}),
        "pas-un-zip.odt": b"Ceci n'est pas un ODT.\n",
        "xml-casse.odt": _with_member(odt, "content.xml", "<office:document-content"),
        "xml-profond.odt": _with_member(odt, "content.xml", _DEEP_XML),
        "zip-casse.odt": _zip({"mimetype": _ODT_MIME, "content.xml": "<office:document-content"}),
        "pas-un-zip.xlsx": b"Ceci n'est pas un XLSX.\n",
        "classeur-casse.xlsx": _zip({"xl/workbook.xml": workbook}),
        "docx-nomme.xlsx": docx,
        "binaire.csv": bytes(range(256)) * 40,
        "vide.csv": b"",
        "profond.html": _DEEP_HTML.encode(),
        "profond-inline.htm": ("<p>" + "<b>" * DEEP + "x" + "</b>" * DEEP + "</p>").encode(),
        "corps-vide.html": b"<html><head><title>t</title></head><body></body></html>",
        "script-seul.html": b"<html><body><script>alert(1)</script></body></html>",
        "charset-inconnu.html": b'<meta charset="x-nope"><p>Un texte sans action.</p>',
        "prose.md": b"# Notes\n\nUn texte sans aucune action ni pilote.\n",
        "utf16.txt": "\ufeffUn texte sans action.\n".encode("utf-16-le"),
        "une-ligne.txt": ("mot " * 50_000).encode(),
    }


def write_cases(folder: Path) -> dict[str, str]:
    """Write the malformed documents into ``folder``; return each file name -> "error" or "skipped" (what its
    report line must say)."""
    folder.mkdir(parents=True, exist_ok=True)
    expected: dict[str, str] = {}
    for name, data in _byte_cases().items():
        (folder / name).write_bytes(data)
        expected[name] = "error"
    _pdf(folder / "sans-texte.pdf")
    _pdf(folder / "chiffre.pdf", encrypt="secret")
    _zero_page_pdf(folder / "zero-page.pdf")
    expected.update({"sans-texte.pdf": "error", "chiffre.pdf": "error", "zero-page.pdf": "error"})
    for name in ("notes.xyz", "LISEZMOI", "ancien.doc"):
        (folder / name).write_bytes(b"quelque chose")
        expected[name] = "skipped"
    (folder / "boucle-a.txt").symlink_to(folder / "boucle-b.txt")
    (folder / "boucle-b.txt").symlink_to(folder / "boucle-a.txt")
    (folder / "casse.txt").symlink_to(folder / "nulle-part.txt")
    expected.update({"boucle-a.txt": "error", "boucle-b.txt": "error", "casse.txt": "error"})
    (folder / "sous-dossier").mkdir()
    (folder / "lien-dossier").symlink_to(folder / "sous-dossier", target_is_directory=True)
    os.mkfifo(folder / "tube.txt")
    expected.update({"lien-dossier": "skipped", "tube.txt": "skipped"})
    return expected


def _check_line(line: dict, expected: str) -> None:
    assert line["status"] == expected, line
    error = line["error"] or ""
    assert Path(line["file"]).name in error, line
    assert not any(word in error for word in CRASH_WORDS), error


@pytest.fixture(scope="module")
def cases(tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path) -> tuple[Path, dict[str, str]]:
    folder = tmp_path_factory.mktemp("malformed") / "corpus"
    expected = write_cases(folder)
    shutil.copy(corpus_dir / GOOD, folder / GOOD)
    return folder, expected


def test_build_reports_every_malformed_file(tmp_path: Path, cases, reference) -> None:
    folder, expected = cases
    assert len(expected) >= 40
    service = Service(Settings(data=tmp_path / "data", corpus=[]), reference=reference)
    try:
        report = service.build([folder]).to_dict()
        lines = {Path(d["file"]).name: d for d in report["documents"]}
        assert lines[GOOD]["status"] == "ingested" and lines[GOOD]["actions"] == 14
        assert set(lines) == {*expected, GOOD}  # one line per file, none left out
        for name, status in expected.items():
            _check_line(lines[name], status)
        assert report["totals"]["skipped"] == sum(s == "skipped" for s in expected.values())
        assert [d.id for d in service.store.documents()] == ["001_7091df44cd1e8194"]
    finally:
        service.close()


def test_upload_reports_every_malformed_file(tmp_path: Path, cases) -> None:
    folder, expected = cases
    settings = Settings(data=tmp_path / "data", corpus=[], warm_up=False, upload_token="t")
    auth = {"Authorization": "Bearer t"}
    with TestClient(create_app(settings)) as client:
        assert client.post("/documents", files={"file": (GOOD, (folder / GOOD).read_bytes())}, headers=auth)
        for name, status in expected.items():
            path = folder / name
            if status != "error" or path.is_symlink():
                continue
            r = client.post("/documents", files={"file": (name, path.read_bytes())}, headers=auth)
            assert r.status_code == 422, (name, r.text)
            (line,) = r.json()["documents"]
            _check_line(line, "error")
            assert str(tmp_path) not in r.text
        assert client.get("/health").json()["actions"] == 14
        assert sorted(p.name for p in (tmp_path / "data" / "uploads").iterdir()) == [GOOD]
