"""Forms a French sentence of proxisante must never contain (shared by the French tests)."""

from __future__ import annotations

import re

#: (pattern, what is wrong). Checked on the text of generated sentences, tags removed.
FORBIDDEN = [
    (r"\b[Dd]e le\b", "« de le » (du)"),
    (r"\b[Dd]e les\b", "« de les » (des)"),
    (r"\b[Àà] le\b", "« à le » (au)"),
    (r"\b[Àà] les\b", "« à les » (aux)"),
    (
        r"\b[Dd]e (?![Yy][aeiouyéè])[AEIOUYÀÂÉÈÊÎÏÔÛÆŒaeiouyàâéèêîïôûæœ]",
        "« de » before a vowel (d')",
    ),
    (r"\bde (Communauté|Métropole|Établissement)", "« de Communauté » (de la communauté)"),
    (r"\bdu (?![Yy][aeiouyéè])[AEIOUYÉÈÊÎaeiouyéèêî]", "« du » before a vowel (de l')"),
    (r"\d [0-9]{3}\b(?![,.]?\d)", "a thousands separator that can wrap (use U+202F)"),
]
_COMPILED = [(re.compile(p), why) for p, why in FORBIDDEN]
_TAGS = re.compile(r"<script.*?</script>|<style.*?</style>|<[^>]+>", re.S)


def text_of(html: str) -> str:
    """The visible text of an HTML page (scripts, styles and tags removed)."""
    import html as html_lib

    return html_lib.unescape(_TAGS.sub(" ", html))


def bad_forms(text: str) -> list[str]:
    """Every forbidden form in ``text``, with 30 characters of context."""
    out = []
    for pattern, why in _COMPILED:
        for m in pattern.finditer(text):
            context = text[max(0, m.start() - 30) : m.end() + 30].replace("\n", " ")
            out.append(f"{why}: …{context}…")
    return out
