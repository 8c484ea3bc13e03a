"""A help answer (legal.guidance) as chat messages: the same statements, citations and warnings as the
answer page, as plain text cut into messages Telegram accepts."""

from __future__ import annotations

from ..legal import guidance

MESSAGE_LIMIT = 3800  # Telegram takes 4096 characters; room for its own link handling


def answer_messages(answers: dict[str, str], lang: str, base_url: str) -> list[str]:
    """The answer for these questionnaire answers, in `lang`: disclaimer, rights, risks and next steps
    each with what it rests on, then the sources (an "undesirable" organisation's link only after its
    warning, as on the page), and where every source is listed."""
    result = guidance.answer_for(answers, lang)
    ui = guidance.ui(lang)
    blocks = [f"{ui['answer_title']}\n\n{result.disclaimer}"]
    if result.unverified or not guidance.ui_verified(lang):
        blocks.append(ui["unverified_notice"])
    for kind, statements in result.groups:
        lines = [ui[kind].upper()]
        for s in statements or ():
            codes = ", ".join(c.code + ("" if c.article_verified else f" ({ui['number_unverified']})") for c in s.citations)
            lines.append(f"• {s.text}" + (f"\n  {ui['based_on']}: {codes}" if codes else ""))
        if not statements:
            lines.append(ui["nothing_here"])
        blocks.append("\n\n".join(lines))
    sources = [ui["sources_title"].upper()]
    for citation, links, more in result.source_list:
        shown = []
        for url, _host, _where, _kind, designated in links:
            shown.append(f"{ui['designated_link']} {url}" if designated else url)
        title = f"{citation.code} {citation.title} ({ui[citation.confidence]})"
        sources.append(f"{title}: " + ", ".join(shown) + (f" (+{more})" if more else ""))
    sources.append(f"{ui['sources']}: {base_url}/help/{lang}/sources")
    blocks.append("\n".join(sources))
    return _cut(blocks)


def _cut(blocks: list[str]) -> list[str]:
    """Blocks joined into as few messages as fit; a block too long for one is cut at line ends."""
    pieces = [piece for block in blocks for piece in _pack(block.split("\n"), "\n")]
    return _pack(pieces, "\n\n")


def _pack(parts: list[str], separator: str) -> list[str]:
    """The parts joined by `separator` into as few texts of at most MESSAGE_LIMIT characters as fit,
    in order; a part longer than that alone is cut into pieces."""
    packed: list[str] = []
    current = ""
    for part in parts:
        while len(part) > MESSAGE_LIMIT:
            packed, current = ([*packed, current] if current else packed), ""
            packed.append(part[:MESSAGE_LIMIT])
            part = part[MESSAGE_LIMIT:]
        if current and len(current) + len(separator) + len(part) > MESSAGE_LIMIT:
            packed.append(current)
            current = part
        else:
            current = f"{current}{separator}{part}" if current else part
    return [*packed, current] if current else packed
