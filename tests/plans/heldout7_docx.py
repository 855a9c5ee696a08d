"""The seventh held-out set's DOCX: a plan edited in Word with its revisions still tracked.

``render_tracked_docx`` writes "Axe n" (Heading 1) and "Fiche-action n° X-Y : title" (Heading 2) headings,
each fiche a two-column field table, and leaves in the file what a real working copy carries:

- tracked changes: a word of a title deleted (``w:del`` / ``w:delText``) and its replacement inserted
  (``w:ins``), a budget corrected the same way, and one whole fiche deleted as a tracked change (its
  heading's runs and paragraph mark, its table's rows): a reader sees the document as accepted;
- a comment anchored on a title (its text lives in ``comments.xml``, not in the body);
- a text box beside a fiche (``w:txbxContent`` in a DrawingML anchor, with the VML fallback Word writes
  beside it: the same text twice in the XML);
- content controls (``w:sdt``) around a run, a table row, a table cell and a whole fiche.
"""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

import docx
from docx.oxml import parse_xml
from docx.oxml.ns import qn

from .model import Action, Plan
from .render_docx import _header_footer, emit_plan

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = (
    f'xmlns:w="{W}" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:v="urn:schemas-microsoft-com:vml"'
)
REVISION = 'w:author="Relecture DGA" w:date="2026-03-02T10:00:00Z"'
_ids = iter(range(100, 10_000))


def _run(text: str, bold: bool = False) -> str:
    rpr = "<w:rPr><w:b/></w:rPr>" if bold else ""
    return f'<w:r>{rpr}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def _deleted(text: str) -> str:
    return (
        f'<w:del w:id="{next(_ids)}" {REVISION}><w:r><w:delText xml:space="preserve">{escape(text)}'
        "</w:delText></w:r></w:del>"
    )


def _inserted(text: str) -> str:
    return f'<w:ins w:id="{next(_ids)}" {REVISION}>{_run(text)}</w:ins>'


def _sdt(content: str, tag: str) -> str:
    return (
        f'<w:sdt {NS}><w:sdtPr><w:alias w:val="{tag}"/><w:tag w:val="{tag}"/></w:sdtPr>'
        f"<w:sdtContent>{content}</w:sdtContent></w:sdt>"
    )


def _paragraph(runs: str, style: str = "", deleted_mark: bool = False) -> str:
    ppr = f'<w:pStyle w:val="{style}"/>' if style else ""
    if deleted_mark:
        ppr += f'<w:rPr><w:del w:id="{next(_ids)}" {REVISION}/></w:rPr>'
    return f"<w:p {NS}><w:pPr>{ppr}</w:pPr>{runs}</w:p>"


def _cell(content: str, width: int) -> str:
    return f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr>{content}</w:tc>'


def _row(label: str, value_runs: str, deleted: bool = False, cell_sdt: str = "") -> str:
    label_runs = _deleted(label) if deleted else _run(label, bold=True)
    value = _cell(f"<w:p>{value_runs}</w:p>", 6400)
    if cell_sdt:
        value = _sdt(value, cell_sdt).replace(f"<w:sdt {NS}>", "<w:sdt>")
    trpr = f'<w:trPr><w:del w:id="{next(_ids)}" {REVISION}/></w:trPr>' if deleted else ""
    return f"<w:tr>{trpr}{_cell(f'<w:p>{label_runs}</w:p>', 2600)}{value}</w:tr>"


def _table(rows: list[str]) -> str:
    return (
        f'<w:tbl {NS}><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="9000" w:type="dxa"/></w:tblPr>'
        '<w:tblGrid><w:gridCol w:w="2600"/><w:gridCol w:w="6400"/></w:tblGrid>' + "".join(rows) + "</w:tbl>"
    )


def _text_box(lines: list[str]) -> str:
    """A run holding a floating text box: the DrawingML shape and its VML fallback, the same paragraphs."""
    paras = "".join(f"<w:p>{_run(line)}</w:p>" for line in lines)
    return (
        '<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing>'
        '<wp:anchor distT="0" distB="0" distL="114300" distR="114300" simplePos="0" relativeHeight="2" '
        'behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1"><wp:simplePos x="0" y="0"/>'
        '<wp:positionH relativeFrom="margin"><wp:align>right</wp:align></wp:positionH>'
        '<wp:positionV relativeFrom="paragraph"><wp:posOffset>0</wp:posOffset></wp:positionV>'
        '<wp:extent cx="1800000" cy="900000"/><wp:wrapSquare wrapText="left"/>'
        f'<wp:docPr id="{next(_ids)}" name="Zone de texte"/>'
        '<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
        '<wps:wsp><wps:cNvSpPr txBox="1"/><wps:spPr/>'
        f"<wps:txbx><w:txbxContent>{paras}</w:txbxContent></wps:txbx><wps:bodyPr/></wps:wsp>"
        "</a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>"
        '<mc:Fallback><w:pict><v:shape style="position:absolute;width:141.75pt;height:70.9pt">'
        f"<v:textbox><w:txbxContent>{paras}</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback>"
        "</mc:AlternateContent></w:r>"
    )


def _fiche_rows(action: Action, edits: dict[str, tuple[str, str]], sdt: dict[str, str]) -> list[str]:
    """The rows of a fiche's table. ``edits``: label -> (old value deleted, new value inserted);
    ``sdt``: label -> "run" | "row" | "cell" (a content control around the value, the row or the cell)."""
    rows = []
    for label, value in action.fields:
        runs = _run(value)
        if label in edits:
            old, new = edits[label]
            runs = _deleted(old) + _inserted(new)
        how = sdt.get(label, "")
        if how == "run":
            runs = _sdt(runs, "valeur").replace(f"<w:sdt {NS}>", "<w:sdt>")
        row = _row(label, runs, cell_sdt="champ" if how == "cell" else "")
        if how == "row":
            row = _sdt(row, "ligne").replace(f"<w:sdt {NS}>", "<w:sdt>")
        rows.append(row)
    return rows


def _deleted_fiche(action: Action, body) -> None:
    heading = _deleted(f"{action.ref} : {action.title}")
    body.append(parse_xml(_paragraph(heading, "Heading2", deleted_mark=True)))
    rows = [_row(label, _deleted(value), deleted=True) for label, value in action.fields]
    body.append(parse_xml(_table(rows)))


# what the reviewers changed: ref -> (title: (deleted word, inserted word), field edits, content controls)
TITLE_EDITS = {"Fiche-action n° 1-2": ("Développer", "Étendre")}
FIELD_EDITS = {"Fiche-action n° 1-2": {"Budget": ("150 000 €", "180 000 €")}}
CONTROLS = {
    "Fiche-action n° 1-1": {"Partenaires": "run"},
    "Fiche-action n° 2-2": {"Pilote": "row", "Budget": "run"},
    "Fiche-action n° 3-1": {"Budget": "cell", "Calendrier": "cell"},
}
DELETED = {"Fiche-action n° 1-3"}
WRAPPED = {"Fiche-action n° 3-2"}  # the whole fiche (heading and table) inside one content control
COMMENTED = "Fiche-action n° 2-2"


def _title_runs(action: Action) -> str:
    if action.ref in TITLE_EDITS:
        old, new = TITLE_EDITS[action.ref]
        rest = action.title.removeprefix(new)
        return _run(f"{action.ref} : ") + _deleted(old) + _inserted(new) + _run(rest)
    return _run(f"{action.ref} : {action.title}")


class _Body:
    """Appends to a document's body before its final section properties, as Word orders them."""

    def __init__(self, document) -> None:
        self.end = document.element.body.find(qn("w:sectPr"))

    def append(self, element) -> None:
        self.end.addprevious(element)


def _fiche(document, action: Action) -> None:
    body = _Body(document)
    if action.ref in DELETED:
        _deleted_fiche(action, body)
        return
    heading = _paragraph(_title_runs(action), "Heading2")
    table = _table(_fiche_rows(action, FIELD_EDITS.get(action.ref, {}), CONTROLS.get(action.ref, {})))
    if action.ref in WRAPPED:
        inner = (heading + table).replace(f" {NS}", "")
        body.append(parse_xml(_sdt(inner, "fiche")))
    else:
        body.append(parse_xml(heading))
        if action.panel:  # the text box floats beside the table, anchored in an empty paragraph above it
            body.append(parse_xml(_paragraph(_text_box([f"{k} : {v}" for k, v in action.panel]))))
        body.append(parse_xml(table))
    body.append(parse_xml(_paragraph("")))


def _comment(document, ref: str) -> None:
    for paragraph in document.paragraphs:
        if paragraph.text.startswith(ref):
            document.add_comment(paragraph.runs, text="Intitulé à valider en commission", author="DGA")
            return


def render_tracked_docx(p: Plan, path: Path) -> Path:
    document = docx.Document()
    _header_footer(document, p)
    emit_plan(document, p, _fiche)
    _comment(document, COMMENTED)
    document.save(str(path))
    return path
