"""The catalogue of test documents: which plan, which format, which options; ``build`` writes them.

Names are the keys of ``[documents]`` in ``expected.toml``. The corpus re-renders need the corpus
directory (``corpus_dir``); without it they are left out. The long PDF is only built when asked for
(``long=True`` or its name), it takes a few seconds.
"""

from __future__ import annotations

import copy
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from . import corpus
from .model import Action, Group, Plan, load_plan
from .pdf_plans import PdfOptions, render_pdf
from .render_docx import render_docx
from .render_odt import render_odt
from .render_sheets import (
    render_headerless_xlsx,
    render_projects_csv,
    render_template_csv,
    render_template_xlsx,
)
from .render_text import render_html, render_markdown, render_text

HERE = Path(__file__).resolve().parent
EXPECTED = HERE / "expected.toml"
LONG_PDF = "pacte_long.pdf"
LONG_REPEAT = 14  # copies of the invented plans in the long PDF (expected.toml: >= 120 pages)
INVENTED = ("pdi", "pcaet", "contrat_ville", "pacte", "recueil")


def expected() -> dict:
    return tomllib.loads(EXPECTED.read_text(encoding="utf-8"))


def long_plan(repeat: int = LONG_REPEAT) -> Plan:
    """A national-pact-shaped plan made of every invented plan's actions, ``repeat`` times: one
    engagement per plan and copy, one mesure per action (numbered through), panels beside the text."""
    base = load_plan("pacte")
    plan = Plan(
        key="pacte_long",
        title=base.title + " - version intégrale",
        issuer=base.issuer,
        subtitle=base.subtitle,
        sections=base.sections,
    )
    engagement, mesure = 0, 0
    for copy_no in range(repeat):
        for key in INVENTED:
            source = load_plan(key)
            engagement += 1
            suffix = f" (volet {copy_no + 1})" if copy_no else ""
            group = Group(
                ref=f"Engagement n°{engagement}",
                title=source.title + suffix,
                intro=[p for s in source.before for p in s.paragraphs],
            )
            for action in source.all_actions():
                mesure += 1
                group.actions.append(_as_mesure(action, mesure, suffix))
            plan.groups.append(group)
    return plan


def _as_mesure(action: Action, number: int, suffix: str) -> Action:
    panel = action.panel or action.fields[:4]
    rest = [f"{k} : {v}." for k, v in action.fields if (k, v) not in panel]
    steps = [copy.copy(s) for s in action.steps]
    return Action(
        ref=f"Mesure n°{number}",
        title=action.title + suffix,
        panel=list(panel),
        body=action.body + rest,
        steps=steps,
    )


@dataclass
class Spec:
    name: str
    make: Callable[[Path], object]
    corpus: bool = False


def _pdf(plan: Callable[[], Plan], **options) -> Callable[[Path], object]:
    return lambda path: render_pdf(plan(), path, PdfOptions(**options))


def _invented() -> list[Spec]:
    pdi, pcaet, ville = (
        (lambda: load_plan("pdi")),
        (lambda: load_plan("pcaet")),
        (lambda: load_plan("contrat_ville")),
    )
    pacte, recueil, velo = (
        (lambda: load_plan("pacte")),
        (lambda: load_plan("recueil")),
        (lambda: load_plan("velo")),
    )
    return [
        Spec("pdi.pdf", _pdf(pdi, style="fiche", footer="page_of", split_table_ref="Fiche action n° 1.1.1")),
        Spec("pdi.docx", lambda p: render_docx(pdi(), p, heading_names="fr")),
        Spec("pdi.odt", lambda p: render_odt(pdi(), p)),
        Spec("pcaet.pdf", _pdf(pcaet, style="panel", footer="page_of")),
        Spec("pcaet.md", lambda p: render_markdown(pcaet(), p)),
        Spec("pcaet_codes.html", lambda p: render_html(pcaet(), p, codes=True)),
        Spec("pcaet_template.csv", lambda p: render_template_csv(pcaet(), p)),
        Spec("pcaet_template.xlsx", lambda p: render_template_xlsx(pcaet(), p)),
        Spec("contrat_ville.docx", lambda p: render_docx(ville(), p, heading_names="en", table=False)),
        Spec("contrat_ville.html", lambda p: render_html(ville(), p)),
        Spec("contrat_ville.txt", lambda p: render_text(ville(), p)),
        Spec("pacte.pdf", _pdf(pacte, style="panel", header_from_group=True, continuous=True)),
        Spec("pacte_euro.pdf", _pdf(pacte, style="panel", continuous=True, euro_as="\u00a4")),
        Spec("recueil.pdf", _pdf(recueil, style="booklet")),
        Spec("recueil.txt", lambda p: render_text(recueil(), p, booklet=True)),
        Spec("velo.md", lambda p: render_markdown(velo(), p)),
        Spec("projets_export.csv", render_projects_csv),
        Spec("budget_sans_entete.xlsx", render_headerless_xlsx),
    ]


def _corpus_specs(corpus_dir: Path) -> list[Spec]:
    docs = expected()["documents"]
    specs = []
    for name, doc in docs.items():
        source = doc.get("corpus_source")
        if not source:
            continue
        reader = corpus.read_fiche_tables if doc["reader"] == "fiche_tables" else corpus.read_propositions

        def plan(reader=reader, source=source) -> Plan:
            return reader(corpus_dir / source)

        suffix = Path(name).suffix
        if suffix == ".pdf":

            def make(path: Path, plan=plan) -> object:
                p = plan()
                options = PdfOptions(style="panel", continuous=True, panel_labels=corpus.panel_labels(p))
                return render_pdf(p, path, options)

        elif suffix == ".docx":

            def make(path: Path, plan=plan) -> object:
                return render_docx(plan(), path, heading_names="en")

        else:

            def make(path: Path, plan=plan) -> object:
                return render_odt(plan(), path)

        specs.append(Spec(name, make, corpus=True))
    return specs


def catalogue(corpus_dir: Path | None = None) -> list[Spec]:
    specs = _invented()
    if corpus_dir is not None and corpus_dir.is_dir():
        specs += _corpus_specs(corpus_dir)
    return specs


def build(
    directory: Path, *, corpus_dir: Path | None = None, names: set[str] | None = None, long: bool = False
) -> dict[str, Path]:
    """Write the documents into ``directory``; returns name -> path."""
    directory.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    for spec in catalogue(corpus_dir):
        if names is None or spec.name in names:
            spec.make(directory / spec.name)
            written[spec.name] = directory / spec.name
    if long or (names and LONG_PDF in names):
        written[LONG_PDF] = build_long(directory / LONG_PDF)
    return written


def build_long(path: Path, repeat: int = LONG_REPEAT) -> Path:
    render_pdf(long_plan(repeat), path, PdfOptions(style="panel", header_from_group=True, continuous=True))
    return path
