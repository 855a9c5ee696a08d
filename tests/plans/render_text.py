"""Plans rendered as HTML (h1-h6, tables, lists), Markdown and plain text.

``codes=True`` prints each action's code ("MOB-03") instead of its numbered ref (the code variant of a
PCAET). Field layout per format: HTML fiche tables or ``<ul>`` lists, Markdown ``- Label : value``
bullets, text ``Label : value`` lines under capitalised group headings.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from .model import Action, Group, Plan, Section


def _ref(action: Action, codes: bool) -> str:
    return action.code if codes and action.code else action.ref


# -- HTML -------------------------------------------------------------------------------------------------
def _html_section(section: Section, out: list[str]) -> None:
    out.append(f"<h2>{escape(section.heading)}</h2>")
    out += [f"<p>{escape(p)}</p>" for p in section.paragraphs]
    if section.entries:
        out.append("<dl>")
        out += [f"<dt>{escape(a)}</dt><dd>{escape(m)}</dd>" for a, m in section.entries]
        out.append("</dl>")


def _html_action(action: Action, level: int, codes: bool, out: list[str]) -> None:
    h = min(level, 6)
    out.append(f"<h{h}>{escape(_ref(action, codes))} : {escape(action.title)}</h{h}>")
    out += [f"<p>{escape(p)}</p>" for p in action.body]
    rows = action.fields + action.panel
    if rows:
        out.append("<table>")
        out += [f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in rows]
        out.append("</table>")
    if action.steps:
        out.append("<ul>")
        out += [f"<li>{escape(s.ref)} : {escape(s.title)}</li>" for s in action.steps]
        out.append("</ul>")


def _html_group(group: Group, level: int, codes: bool, out: list[str]) -> None:
    h = min(level, 6)
    out.append(f"<h{h}>{escape(group.ref)} : {escape(group.title)}</h{h}>")
    out += [f"<p>{escape(p)}</p>" for p in group.intro]
    for action in group.actions:
        _html_action(action, level + 1, codes, out)
    for child in group.groups:
        _html_group(child, level + 1, codes, out)


def render_html(plan: Plan, path: Path, *, codes: bool = False) -> Path:
    out = [
        "<!DOCTYPE html>",
        '<html lang="fr"><head><meta charset="utf-8">',
        f"<title>{escape(plan.title)}</title></head><body>",
        f"<header><p>{escape(plan.running_header or plan.issuer)}</p></header>",
        f"<h1>{escape(plan.title)}</h1>",
        f"<p>{escape(plan.issuer)}</p>",
    ]
    for section in plan.before:
        _html_section(section, out)
    for group in plan.groups:
        _html_group(group, 2, codes, out)
    for action in plan.actions:
        _html_action(action, 2, codes, out)
    for section in plan.after:
        _html_section(section, out)
    out.append("<footer><p>Document de travail</p></footer></body></html>")
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


# -- Markdown ---------------------------------------------------------------------------------------------
def _md_action(action: Action, level: int, codes: bool, out: list[str]) -> None:
    out += [f"{'#' * min(level, 6)} {_ref(action, codes)} : {action.title}", ""]
    for text in action.body:
        out += [text, ""]
    out += [f"- {k} : {v}" for k, v in action.fields + action.panel]
    out += [f"- {s.ref} : {s.title}" for s in action.steps]
    out.append("")


def _md_group(group: Group, level: int, codes: bool, out: list[str]) -> None:
    out += [f"{'#' * min(level, 6)} {group.ref} : {group.title}", ""]
    for text in group.intro:
        out += [text, ""]
    for action in group.actions:
        _md_action(action, level + 1, codes, out)
    for child in group.groups:
        _md_group(child, level + 1, codes, out)


def _md_section(section: Section, out: list[str]) -> None:
    out += [f"## {section.heading}", ""]
    for text in section.paragraphs:
        out += [text, ""]
    out += [f"- **{a}** : {m}" for a, m in section.entries]
    if section.entries:
        out.append("")


def render_markdown(plan: Plan, path: Path, *, codes: bool = False) -> Path:
    out = [f"# {plan.title}", "", f"*{plan.issuer}*", ""]
    for section in plan.before:
        _md_section(section, out)
    for group in plan.groups:
        _md_group(group, 2, codes, out)
    for action in plan.actions:
        _md_action(action, 2, codes, out)
    for section in plan.after:
        _md_section(section, out)
    path.write_text("\n".join(out), encoding="utf-8")
    return path


# -- plain text -------------------------------------------------------------------------------------------
def _txt_action(action: Action, out: list[str], booklet: bool) -> None:
    out += [f"{action.ref} {action.title}" if booklet else f"{action.ref} : {action.title}", ""]
    fields = action.fields + action.panel
    if booklet:
        named = dict(fields)
        out += [named.get("Région", ""), ""] + [p for text in action.body for p in (text, "")]
        for label in ("CONTACTS", "CLÉS DE RÉUSSITE"):
            if label in named:
                out += [label, named[label], ""]
        return
    out += [p for text in action.body for p in (text, "")]
    out += [f"{k} : {v}" for k, v in fields] + [""]


def _txt_group(group: Group, depth: int, out: list[str], booklet: bool) -> None:
    if booklet:
        out += [f"{group.ref}. {group.title}", ""]
    elif depth == 0:
        out += [f"{group.ref.upper()} - {group.title.upper()}", ""]
    else:
        out += [f"{group.ref} : {group.title}", ""]
    out += [p for text in group.intro for p in (text, "")]
    for action in group.actions:
        _txt_action(action, out, booklet)
    for child in group.groups:
        _txt_group(child, depth + 1, out, booklet)


def render_text(plan: Plan, path: Path, *, booklet: bool = False) -> Path:
    """``booklet``: numbered examples ("1.1 Titre") with a region line, CONTACTS and CLÉS DE RÉUSSITE."""
    out = [plan.title.upper(), plan.issuer, ""]
    for section in plan.before:
        out += [section.heading.upper(), ""] + [p for text in section.paragraphs for p in (text, "")]
    for group in plan.groups:
        _txt_group(group, 0, out, booklet)
    for action in plan.actions:
        _txt_action(action, out, booklet)
    for section in plan.after:
        out += [section.heading.upper(), ""] + [p for text in section.paragraphs for p in (text, "")]
        out += [f"{a} : {m}" for a, m in section.entries]
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path
