"""Test documents for the layout-aware parser (issue 9): invented plans and the corpus fiches rendered as
PDF, DOCX, ODT, HTML, Markdown, text, CSV and XLSX at test time, with hand-written expectations.

``documents.build(directory)`` writes every document; ``expected.toml`` says what each should yield;
``scoring.score`` compares a parser's actions with it.
"""
