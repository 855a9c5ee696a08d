"""Counts and invariants of the ingest on the real corpus.

Every expected value below was read by hand in ../shared/corpus (line numbers are the file's own, 1-based).
Where the parser disagrees with the text, the test keeps what the text says and is marked xfail(strict=True).
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from ingest import parse_document

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
FILES = {
    "000": "000_1ad84331eee1d4b1.txt",  # Normandie plan régional d'actions (fiches "Proposition X-Y")
    "001": "001_7091df44cd1e8194.txt",  # Pays de la Loire brochure (blurbs with "Pilote :")
    "002": "002_60c96a901df60f3b.txt",  # national booklet "Tour de France des Solutions" (1.1 … 8.2)
    "003": "003_684435ed59e50d74.txt",  # Normandie PRIC 2019-2022 (strategy text)
    "004": "004_3055f0caa3abf071.txt",  # Eure PTI 2017-2020 (Fiche 1 … Fiche 9)
}
KEYS = sorted(FILES)


@pytest.fixture(scope="module")
def docs():
    """Each corpus document parsed once for the whole module."""
    missing = [name for name in FILES.values() if not (CORPUS / name).is_file()]
    if missing:
        pytest.skip(f"shared corpus absent ({CORPUS}): {', '.join(missing)}")
    return {key: parse_document(CORPUS / name) for key, name in FILES.items()}


@pytest.fixture(scope="module")
def raw_lines():
    if not CORPUS.is_dir():
        pytest.skip(f"shared corpus absent ({CORPUS})")
    return {key: (CORPUS / name).read_text(encoding="utf-8").splitlines() for key, name in FILES.items()}


def _plain(text: str) -> str:
    """Text without HTML tags, entities, markdown emphasis; apostrophes straight; spaces collapsed."""
    text = html.unescape(re.sub(r"<[^>]+>", " ", text)).replace("**", "").replace("’", "'")
    return re.sub(r"\s+", " ", text).strip()


# --- counts -------------------------------------------------------------------------------------------------


# Hand count: 000 chantiers 1..7 hold 6, 5, 2, 3, 4, 4, 4 fiches; 001 has 14 "Pilote" lines (38, 47, 54, 60,
# 68, 77, 84, 102, 110, 119, 127, 133, 142, 149); 002 has 21 numbered titles; 004 has Fiche 1 … Fiche 9.
@pytest.mark.parametrize(("key", "count"), [("000", 28), ("001", 14), ("002", 21), ("004", 9)])
def test_action_count(docs, key, count):
    assert len(docs[key].actions) == count


def test_000_refs_and_table_of_contents(docs):
    sizes = {1: 6, 2: 5, 3: 2, 4: 3, 5: 4, 6: 4, 7: 4}
    expected = [f"Proposition {c}-{n}" for c, k in sizes.items() for n in range(1, k + 1)]
    parsed = docs["000"]
    assert [a.ref for a in parsed.actions] == expected
    assert parsed.toc_refs == expected  # the SOMMAIRE (lines 16-62) lists the same 28 refs
    assert not [w for w in parsed.warnings if "table of contents" in w]


def test_002_refs(docs):
    expected = [
        "1.1",
        "1.2",
        "1.3",
        "2.1",
        "3.1",
        "3.2",
        "4.1",
        "5.1",
        "5.2",
        "5.3",
        "5.4",
        "6.1",
        "6.2",
        "6.3",
        "7.1",
        "7.2",
        "7.3",
        "7.4",
        "7.5",
        "8.1",
        "8.2",
    ]
    assert [a.ref for a in docs["002"].actions] == expected


def test_004_refs(docs):
    assert [a.ref for a in docs["004"].actions] == [f"Fiche {n}" for n in range(1, 10)]


# keys to success counted by hand (bullets under "CLÉS POUR RÉUSSIR")
KEYS_002 = {
    "1.1": 3,
    "1.2": 3,
    "1.3": 3,
    "2.1": 3,
    "3.1": 3,
    "3.2": 3,
    "4.1": 3,
    "5.1": 3,
    "5.2": 3,
    "5.3": 2,
    "5.4": 3,
    "6.1": 3,
    "6.2": 3,
    "6.3": 3,
    "7.1": 3,
    "7.2": 3,
    "7.3": 2,
    "7.4": 2,
    "7.5": 2,
    "8.1": 3,
    "8.2": 3,
}


def test_002_keys_to_success_counts(docs):
    assert {a.ref: len(a.keys_to_success) for a in docs["002"].actions} == KEYS_002


def test_001_blurb_titles(docs):
    assert [a.title for a in docs["001"].actions] == [
        "Espace unique multi-service",
        "Orientibus",
        "Avenir'Up",
        "Café-emploi",
        "CARBUR'PERA",
        "Mobilité résidentielle pour l'emploi",
        "Macigogne.fr",
        "Hébergement de courte durée",
        "Foyers de jeunes travailleurs",
        "Mobilisation du contingent municipal",
        "EIT 49",
        "Application mobile",
        "Observatoire",
        "Transition énergétique et commerces",
    ]


# --- invariants on every action -----------------------------------------------------------------------------


@pytest.mark.parametrize("key", KEYS)
def test_titles_are_clean(docs, key):
    for a in docs[key].actions:
        assert a.title.strip() and a.title == a.title.strip(), a.id
        assert not any(mark in a.title for mark in ("<", "**", "&amp;", "\n", "\t")), a.title


@pytest.mark.parametrize("key", KEYS)
def test_provenance_points_at_the_quoted_lines(docs, raw_lines, key):
    lines = raw_lines[key]
    for a in docs[key].actions:
        p = a.provenance
        assert p.doc == docs[key].document.id
        assert 1 <= p.line_start <= p.line_end <= len(lines), (a.id, p.line_start, p.line_end)
        assert p.quote.strip(), a.id
        cited = _plain(" ".join(lines[p.line_start - 1 : p.line_end]))
        first_words = " ".join(_plain(p.quote).removesuffix("…").split()[:6])
        assert first_words in cited, (a.id, first_words)


@pytest.mark.parametrize("key", KEYS)
def test_ids_unique_and_stable(docs, key):
    ids = [a.id for a in docs[key].actions]
    assert all(ids) and len(set(ids)) == len(ids)
    again = parse_document(CORPUS / FILES[key])
    assert [a.id for a in again.actions] == ids


# Lines read by hand: tables of contents, glossary, page footers ("- 14 -"), interview answers.
TOC_LINES = {"000": range(15, 63), "003": range(11, 62), "004": range(50, 66)}
GLOSSARY_LINES = {"004": range(294, 385)}
FOOTER = re.compile(r"^\s*-?\s*\d{1,3}\s*-\s*$")
INTERVIEWEES_002 = {
    "CAROLE VALLERIE",
    "MATTHIEU PITON",
    "SYLVETTE AVALLET",
    "PASCAL MAILHOS",
    "MARIE",
    "PHILIPPE LAMBLIM",
    "LÉA POPLIN",
    "OLIVIER THIL",
    "ISABELLE ROUGIER",
    "JEAN-FRANÇOIS DUGOURD",
}


@pytest.mark.parametrize("key", KEYS)
def test_no_action_is_toc_glossary_footer_or_interview(docs, raw_lines, key):
    lines = raw_lines[key]
    glossary_rows = {_plain(lines[n - 1]).lstrip("-▶ ") for n in GLOSSARY_LINES.get(key, ())}
    for a in docs[key].actions:
        start = a.provenance.line_start
        assert start not in TOC_LINES.get(key, ()), a.id
        assert start not in GLOSSARY_LINES.get(key, ()), a.id
        assert not FOOTER.match(lines[start - 1]) and not FOOTER.match(a.title), a.id
        assert not re.search(r"\.{4,}|\t\s*-?\s*\d+\s*-?\s*$", a.title), a.title
        assert a.title not in glossary_rows, a.title
        assert not a.title.endswith("?"), a.title  # interview questions / chapter questions
        assert a.title not in INTERVIEWEES_002, a.title


# --- document metadata --------------------------------------------------------------------------------------


def test_metadata_000(docs):
    d = docs["000"].document
    assert d.kind and d.kind.startswith("plan régional")
    assert d.region == "Normandie"
    assert d.period_start == 2019  # the 2019 national mobilisation; calendars start "Sept à Déc 2019"


def test_metadata_001(docs):
    d = docs["001"].document
    assert d.region == "Pays de la Loire"  # "PRÉFET DE LA RÉGION / PAYS DE LA LOIRE"
    assert d.period_start == 2019  # "Novembre 2019", line 20


def test_metadata_002(docs):
    d = docs["002"].document
    assert d.kind and "recueil" in d.kind
    assert d.region == "France"  # "partout sur le territoire national", actions from 12 regions
    assert d.title and "Tour de France des Solutions" in d.title


@pytest.mark.xfail(
    strict=True,
    reason="002 year taken as 2018 (most frequent year in the opening, all past "
    "facts: 'loi du 5 septembre 2018', 'offres en 2018'); the booklet was written in 2019 "
    "(mobilisation launched after the 2019 Grand Débat, aid 'opérationnelle dès le 1er janvier "
    "2020', 'projet initié en septembre 2019')",
)
def test_metadata_002_year(docs):
    assert docs["002"].document.period_start == 2019


def test_metadata_003(docs):
    d = docs["003"].document
    assert d.kind and "PRIC" in d.kind
    assert d.region == "Normandie"
    assert (d.period_start, d.period_end) == (2019, 2022)


def test_metadata_004(docs):
    d = docs["004"].document
    assert d.kind and "PTI" in d.kind
    assert d.department == "Eure"
    assert (d.period_start, d.period_end) == (2017, 2020)


# --- glossary and partner lists -----------------------------------------------------------------------------


def test_glossary_004(docs):
    entries = {g.acronym: g.expansion for g in docs["004"].glossary if g.source == "glossary"}
    assert len(entries) == 88  # lines 296-384, one "▶ ACR : expansion" per line, line 339 blank
    assert entries["PLIE"] == "Plan Local d'Insertion vers l'Emploi"
    assert entries["EPN"] == "Evreux Portes de Normandie"
    assert entries["PAN"] == "Pays d'Auge Nord"
    assert entries["CASE"] == "Communauté d'Agglomération Seine Eure"


def test_partner_list_004(docs):
    names = [o.name for o in docs["004"].participants]
    for expected in (
        "CAP EMPLOI 27",
        "URIOPSS",
        "MSA",
        "COORACE Normandie",
        "Seine Normandie Agglomération (SNA)",
        "PLIE - Syndicat mixte du Pays d'Auge Nord",
        "UNIFORMATION Normandie",
    ):
        assert expected in names


def test_partner_list_004_has_only_organisations(docs):
    names = [o.name for o in docs["004"].participants]
    assert not [n for n in names if "SIGNATAIRES" in n or "NOUVEAUX PARTENAIRES" in n]
    assert len(names) == 36  # 12 historic signatories (109-120) + 24 new partners (124-148)


def test_partner_list_003_has_no_action_kinds(docs):
    names = [o.name for o in docs["003"].participants]
    assert not [n for n in names if n.startswith(("d'orientation", "de mobilisation", "de formation"))]


def test_participants_000(docs):
    assert {"CAPEB", "CEREMA"} <= {o.name for o in docs["000"].participants}


def test_inline_acronym_000(docs):
    entries = {g.acronym: g.expansion for g in docs["000"].glossary}
    assert entries["UAMC"] == "Union amicale des maires du Calvados"


# --- 003: which measures ------------------------------------------------------------------------------------

# The parser lists 20 measures. Read by hand, 17 of them are measures of the pact (below). Three (QUALIF,
# SOCLE, "dispositifs de construction de projet", lines 200-226) describe the region's existing offer inside
# the 2018 diagnosis, and sections II.3.a, II.3.b, II.4 and II.5 (lines 795-862), which state measures, yield
# none. So the current count (20) is not asserted; the agreed measures are, as a regression guard.
AGREED_003 = [
    "Une coordination locale, départementale et régionale entre la Région et Pôle emploi",
    "création d'un outil d'Open-data partagé",
    "Identifier les besoins en compétences liés à la transition numérique",
    "Identifier les besoins liés à la transition écologique",
    "Impliquer les entreprises ou agences de travail temporaire",
    "Impliquer les entreprises en développant la formation en situation de travail",
    "Engager sur les territoires des partenariats renforcés avec les SIAE",
    "Proposition de « plateaux techniques »",
    "Les Entreprises d'Entraînement Pédagogique (EEP)",
    "Les Ecoles de Production",
    "Communitic",
    "Parcours 2020",
    "Parcours Intégrés",
    "Création d'un livret de suivi numérique",
    "Badgeons la Normandie",
    "la création d'un Référentiel Normand de Badges numériques",
    "des parcours de « formations accompagnées »",
]


def test_003_agreed_measures_present(docs):
    titles = [a.title for a in docs["003"].actions]
    for expected in AGREED_003:
        assert sum(t.startswith(expected) for t in titles) == 1, expected


def test_003_diagnosis_is_not_a_measure(docs):
    diagnosis = range(118, 356)  # "1. La situation en Normandie en 2018" up to "3. Une méthode de recueil"
    assert not [a.title for a in docs["003"].actions if a.provenance.line_start in diagnosis]


def test_003_measures_of_part_II_sections_3_to_5(docs):
    sections = {
        "II.3.a": range(795, 810),
        "II.3.b": range(811, 824),
        "II.4": range(825, 855),
        "II.5": range(856, 863),
    }
    starts = [a.provenance.line_start for a in docs["003"].actions]
    assert [name for name, lines in sections.items() if not any(s in lines for s in starts)] == []
