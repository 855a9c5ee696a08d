"""Every passage searchable: typed passages kept by the store (schema 2 and later, migrated from 1), documents
cut once into chunks that cover every line, passages as results of their own type with filters, the `why` of a
result, and a changed document re-encoding only its own chunks. Real encoders on two corpus documents."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from api.service import Service
from api.settings import Settings
from embeddings.chunks import _HEADING, _TOC_ENTRY, SECTION_WORDS, TOC_TYPES, all_chunks, sections
from graph.errors import StoreError
from graph.store import SCHEMA_VERSION, Store
from ingest.errors import InputError

DOCS = ("001_7091df44cd1e8194.txt", "002_60c96a901df60f3b.txt")  # the second opens on an avant-propos
BOOKLET = "002_60c96a901df60f3b"


@pytest.fixture(scope="module")
def docs(two_docs: Path) -> Path:
    assert sorted(p.name for p in two_docs.iterdir()) == list(DOCS)
    return two_docs


@pytest.fixture(scope="module")
def engine_service(tmp_path_factory: pytest.TempPathFactory, docs: Path, copied_two_docs) -> Service:
    """A copy of the session's store over the two documents, built and indexed (its vectors cached)."""
    svc = copied_two_docs(tmp_path_factory.mktemp("passages"), docs)
    yield svc
    svc.close()


def test_store_keeps_typed_passages_and_migrates_a_version_1_store(
    tmp_path: Path, docs: Path, two_docs_data: Path
) -> None:
    shutil.copytree(two_docs_data, tmp_path / "data")  # the two documents as a build stored them
    svc = Service(Settings(data=tmp_path / "data", corpus=[docs]))
    passages = svc.store.passages(BOOKLET)
    assert passages and passages[0][1].type == "edito" and passages[0][1].line_start == 1
    generation = svc.store.generation()
    svc.store.delete_document("001_7091df44cd1e8194")
    assert svc.store.generation() == generation + 1  # every write moves the generation
    svc.close()
    # the same file as a version 1 store: no passages table, no generation, no id
    path = tmp_path / "data" / "qfq.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("DROP TABLE passages")
    conn.execute("DELETE FROM meta WHERE key IN ('generation', 'store_id')")
    conn.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    store = Store(path)
    version = store.conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0]
    assert int(version) == SCHEMA_VERSION == 3 and store.generation() == 0 and len(store.store_id()) == 32
    assert store.passages() == [] and store.document_hash(BOOKLET) == ""  # read again at the next build
    store.close()
    again = Service(Settings(data=tmp_path / "data", corpus=[docs]))
    report = again.build()
    assert {d.doc_id: d.status for d in report.documents}[BOOKLET] == "ingested"
    assert again.store.passages(BOOKLET) == passages
    again.close()
    # a version this qfq does not know is refused, never touched
    conn = sqlite3.connect(path)
    conn.execute("UPDATE meta SET value = '9' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="version de schéma de la base 9"):
        Store(path)


def test_every_line_of_text_is_in_exactly_one_chunk(built: Service) -> None:
    g = built.knowledge.graph
    chunking = all_chunks(g, built.store.lines, lambda d: [p for _, p in built.store.passages(d)])
    owners: dict[tuple[str, int], object] = {}
    previous = None
    for c in chunking.chunks:
        if c.line_start is None:
            continue
        for n in range(c.line_start, c.line_end + 1):
            if (c.doc, n) in owners:  # only a long line cut at sentences goes on in the next chunk
                other = owners[(c.doc, n)]
                assert other is previous and other.item == c.item and n == c.line_start, (c.id, other.id)
            owners[(c.doc, n)] = c
        previous = c
    for doc in built.store.documents():
        lines = built.store.lines(doc.id)
        contents = [p for _, p in built.store.passages(doc.id) if p.type in TOC_TYPES]
        entries = [n for n, line in enumerate(lines, start=1) if _TOC_ENTRY.search(line)]
        for n, line in enumerate(lines, start=1):
            if line.strip() and not _HEADING.match(line) and (doc.id, n) not in owners:
                # only a table of contents is left out: each entry is indexed where its section is written
                in_contents = any(p.line_start <= n <= p.line_end for p in contents)
                assert in_contents or any(abs(n - e) <= 3 for e in entries), (doc.id, n, line)
    # an item's chunks are consecutive (the similar-actions search relies on it)
    items = [c.item for c in chunking.chunks]
    starts = [i for i in range(len(items)) if i == 0 or items[i] != items[i - 1]]
    assert len(starts) == len(set(items))
    kinds = {p.type for p in chunking.passages.values()}
    assert {"diagnostic", "edito", "glossaire", "texte"} <= kinds
    # words qfq adds (title, pilots, places) go to the keyword index only
    first = next(c for c in chunking.chunks if c.kind == "action" and c.extra)
    assert g.nodes[first.item]["label"] in first.extra and first.extra not in first.text


def test_a_long_passage_is_cut_into_sections_at_its_plain_text_headings() -> None:
    prose = "Le territoire compte de nombreux demandeurs d'emploi et des entreprises qui recrutent peu. " * 8
    heads = ["1. La situation en 2018", "a. Le contexte", "b) Les publics", "❖ Pilotage et mise en œuvre :"]
    heads += ["**Les stagiaires en détention**", "LES BESOINS DES ENTREPRISES", "II. Les actions du pacte"]
    span, n = [], 0
    for h in heads:
        span += [(n + 1, h), (n + 2, prose), (n + 3, prose)]
        n += 3
    assert sum(len(t.split()) for _, t in span) > SECTION_WORDS
    parts = sections(span)
    assert [p[0][1] for p, _ in parts] == heads  # each heading opens its section
    assert [x for p, _ in parts for x in p] == span  # every line once, in order
    # each section under the headings above it (depth by kind: roman, 1., a., marked or capitals)
    assert [titles for _, titles in parts] == [
        ("1. La situation en 2018",),
        ("1. La situation en 2018", "a. Le contexte"),
        ("1. La situation en 2018", "b) Les publics"),
        ("1. La situation en 2018", "b) Les publics", "Pilotage et mise en œuvre"),
        ("1. La situation en 2018", "b) Les publics", "Les stagiaires en détention"),
        ("1. La situation en 2018", "b) Les publics", "LES BESOINS DES ENTREPRISES"),
        ("II. Les actions du pacte",),
    ]
    # lines that read as sentences or list items are not headings
    not_heads = ["1. Nous avons réuni les partenaires.", "- une liste", "Un paragraphe ordinaire sans numéro"]
    span = [(i + 1, t) for i, t in enumerate([x for h in not_heads for x in (h, prose, prose)])]
    assert len(sections(span)) == 1
    # a short passage stays whole, headings or not
    short = [(1, "1. Titre"), (2, "Un texte."), (3, "2. Autre titre"), (4, "Un texte.")]
    assert sections(short) == [(short, ())]


def test_passages_are_results_with_their_place_and_why(engine_service: Service) -> None:
    query = "Tour de France des Solutions lancé après le Grand Débat National"
    # words of the avant-propos only: it answers (passages weigh 0.85, so an action that ranks alike is first)
    body = engine_service.search("lutte contre les inégalités et le sentiment d'assignation à résidence", k=5)
    found = [r for r in body["results"][:3] if r["type"] == "passage"]
    assert found, [(r["type"], r["id"]) for r in body["results"]]
    top = found[0]
    assert top["doc"] == BOOKLET and top["passage_type"] == "edito"
    assert top["heading_path"] and top["section"]["line_start"] == 1
    p = top["passage"]
    lines = engine_service.store.lines(BOOKLET)
    assert top["section"]["line_start"] <= p["line_start"] <= p["line_end"] <= top["section"]["line_end"]
    assert "résidence" in " ".join(lines[p["line_start"] - 1 : p["line_end"]])
    why = top["why"]
    assert {"inégalités", "résidence"} <= set(why["matched_words"]) and why["passage_type"] == "edito"
    assert "mots trouvés" in why["summary"]
    # the type filter: passages only, actions only
    only = engine_service.search(query, k=5, type="passage")
    assert only["results"] and all(r["type"] == "passage" for r in only["results"])
    actions = engine_service.search(query, k=5, type="action")
    assert actions["results"] and all(r["type"] == "action" for r in actions["results"])
    # a document filter keeps that document's passages and actions
    other = engine_service.search(query, k=10, doc="001_7091df44cd1e8194")
    assert other["results"] and all(r["doc"] == "001_7091df44cd1e8194" for r in other["results"])


def test_territory_filter_reaches_passages_by_their_document(engine_service: Service) -> None:
    body = engine_service.search("emploi des jeunes", k=30, where="Vendée")
    assert body["results"] and any(r["type"] == "passage" for r in body["results"])
    for r in body["results"]:
        assert r["scope"] in ("local", "wider"), r
        if r["type"] == "passage":  # the regional plan covers Vendée; the national booklet is no territory
            assert r["doc"] == "001_7091df44cd1e8194" and r["scope"] == "wider"
    # a filter a passage cannot answer keeps actions only
    themed = engine_service.search("emploi des jeunes", k=10, theme="mobilite")
    assert themed["results"] and all(r["type"] == "action" for r in themed["results"])
    with pytest.raises(InputError):
        engine_service.search("emploi", type="paragraphe")


def test_a_changed_document_encodes_only_its_own_chunks(
    tmp_path: Path, docs: Path, two_docs_data: Path, vector_cache: Path
) -> None:
    folder = tmp_path / "docs"
    shutil.copytree(docs, folder)
    shutil.copytree(two_docs_data, tmp_path / "data")  # the same files in another folder: unchanged
    svc = Service(Settings(data=tmp_path / "data", corpus=[folder], vector_cache=vector_cache))
    assert {d.status for d in svc.build().documents} == {"unchanged"}
    svc.index()  # every vector is in the shared cache already
    before = {c.digest(e.name) for c in svc.search_engine.index.chunks for e in svc.encoders.values()}
    counted = svc.vector_cache.conn.execute("SELECT COUNT(*) FROM vectors").fetchone()[0]
    changed = folder / DOCS[0]
    changed.write_text(
        changed.read_text(encoding="utf-8") + "\nUn paragraphe ajouté pour vérifier la ré-indexation.\n",
        encoding="utf-8",
    )
    svc.ingest([changed])
    svc.index()
    engine = svc.search_engine
    fresh = [c for c in engine.index.chunks if c.digest(svc.encoders["search"].name) not in before]
    assert fresh and {c.doc for c in fresh} == {DOCS[0].removesuffix(".txt")}
    encoders = {e.name for e in svc.encoders.values()}
    added = svc.vector_cache.conn.execute("SELECT COUNT(*) FROM vectors").fetchone()[0] - counted
    assert added == len(fresh) * len(encoders)  # only the changed document's new chunks were encoded
    assert engine.index.retriever.dense.stats["added"] == len(fresh)
    svc.close()


def plan_service(root: Path, text: str, reference, vector_cache: Path) -> Service:
    """A built service over one plan written in `root`/corpus/plan.md (the caller closes it)."""
    (root / "corpus").mkdir()
    (root / "corpus" / "plan.md").write_text(text, encoding="utf-8")
    settings = Settings(
        data=root / "data", corpus=[root / "corpus"], vector_cache=vector_cache, warm_up=False
    )
    svc = Service(settings, reference=reference)
    assert svc.build().errors == 0
    return svc


DEFINED = """# Plan local pour l'emploi 2026-2028

## Fiche action n° 1 : Accompagnement renforcé des participants du PLIE

- Pilote : PLIE du bassin
- Territoire : Calvados

Le PLIE accompagne chaque participant du PLIE vers l'emploi durable. Les référents du PLIE suivent les
parcours, le PLIE finance des étapes de formation et le PLIE anime le réseau des employeurs.

## Glossaire

PLIE : plan local pour l'insertion et l'emploi, dispositif de parcours d'insertion.
QPV : quartier prioritaire de la politique de la ville.
"""


def test_a_question_about_what_a_word_means_puts_the_glossary_first(
    tmp_path: Path, reference, vector_cache: Path
) -> None:
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "plan.md").write_text(DEFINED, encoding="utf-8")
    settings = Settings(
        data=tmp_path / "data", corpus=[tmp_path / "corpus"], vector_cache=vector_cache, warm_up=False
    )
    svc = Service(settings, reference=reference)
    try:
        assert svc.build().errors == 0
        # the acronym alone: the action that repeats it ranks above the glossary (passages weigh 0.85)
        plain = svc.search("PLIE", k=5)["results"]
        assert plain[0]["type"] == "action", [(r["type"], r["title"]) for r in plain]
        # asked what it means: the glossary passage that defines it comes first
        asked = svc.search("que signifie PLIE", k=5)["results"]
        top = asked[0]
        assert (top["type"], top["passage_type"]) == ("passage", "glossaire"), [r["title"] for r in asked]
        lines = svc.store.lines(top["doc"])[top["passage"]["line_start"] - 1 : top["passage"]["line_end"]]
        assert any(line.startswith("PLIE : plan local") for line in lines)
    finally:
        svc.close()
