"""What users type, shown back to them as plain text (never as Markdown)."""

import re

from geodata.search import MAX_QUERY_CHARS, bounded

_AUTOLINK = re.compile(r"(?i)(?<=https)(?=:)|(?<=http)(?=:)|(?<=www)(?=\.)|(?<=@)")
"""Where GitHub-flavoured Markdown would start a link of bare text (``https://``, ``www.``,
``a@b.fr``): it links text nodes whatever their escapes, so a word joiner goes there."""
WORD_JOINER = "\u2060"
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:&=\"'^%])")


def plain(text: str) -> str:
    r"""``text`` escaped so that Streamlit's Markdown shows it as typed.

    Every sign Markdown, LaTeX or HTML could read gets a backslash (CommonMark's escape):
    no link, image, emphasis, LaTeX, icon (``:material/…:``) or HTML comes out of it; line
    breaks become spaces. A bare address (``https://…``, ``www.…``, ``nom@domaine.fr``),
    which GitHub-flavoured Markdown links even when escaped, gets an invisible word joiner
    (U+2060) that breaks the link.

    >>> print(plain("![x](https://example.org/a.png) :red[rouge] $x^2$")
    ...       .replace(WORD_JOINER, "<WJ>"))
    \!\[x\]\(https<WJ>\://example\.org/a\.png\) \:red\[rouge\] \$x\^2\$
    """
    joined = _AUTOLINK.sub(WORD_JOINER, " ".join(text.split()))
    return _MARKDOWN.sub(r"\\\1", joined)


def no_match(what: str, query: str) -> str:
    r"""« Aucune commune ne correspond à « … » », the query shown as typed (bounded).

    >>> print(no_match("Aucune commune", "  *Lyon*  "))
    Aucune commune ne correspond à « \*Lyon\* ».
    """
    return f"{what} ne correspond à « {plain(bounded(query))} »."


SEARCH_LIMIT = MAX_QUERY_CHARS
"""``max_chars`` of the search fields: what a search reads."""
