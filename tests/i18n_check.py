"""Finds words in templates that would reach a reader untranslated (issue 20).

A template string is marked when it sits inside {% translate %} / {% blocktranslate %} or is a
`_("...")` literal. Everything else a reader sees is reported: text between tags, the
attributes people read (alt, title, aria-label, placeholder, label, a meta description) and
string literals passed to tags and filters (`with label="Email"`, `default:"Not stated"`).
"""

import html
import re
from html.parser import HTMLParser

from django.template.base import Lexer, TokenType

# Placeholders for the variables and tags between the pieces of text.
HOLE = " "
READ_ATTRIBUTES = {"alt", "title", "aria-label", "placeholder", "label", "aria-description"}
READ_META = {"description", "og:title", "og:description", "og:site_name", "twitter:title"}
WORD = re.compile(r"[A-Za-z]{2,}")
# Words that are the same in every language the directory speaks: names and abbreviations.
SAME_IN_EVERY_LANGUAGE = {
    "988",
    "911",
    "API",
    "CSV",
    "FHIR",
    "HSDS",
    "JSON",
    "NPI",
    "OpenAPI",
    "GeoNames",
    "Leaflet",
    "OpenStreetMap",
    "English",
    "Español",
    "Spravato",
    "ASKP3",
    "REMS",
    "ZIP",
    "PDF",
}
# A literal in a tag or filter: "..." or '...', not preceded by _( .
LITERAL = re.compile(r"""(?<!_\()(?P<q>["'])(?P<text>(?:(?!(?P=q)).)*)(?P=q)""")
# Tags whose literals are names of templates, URLs, blocks, cache keys or comparisons.
NAME_TAGS = {"extends", "include", "url", "static", "load", "block", "cache", "now", "cycle"}


class _Reader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style"):
            self._skip += 1
        for name in READ_ATTRIBUTES & attrs.keys():
            self.texts.append(attrs[name] or "")
        if tag == "meta" and (attrs.get("name") or attrs.get("property")) in READ_META:
            self.texts.append(attrs.get("content") or "")
        if tag == "input" and attrs.get("type") in ("submit", "button", "reset"):
            self.texts.append(attrs.get("value") or "")

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.texts.append(data)


def _reads_as_words(text):
    text = html.unescape(text.replace(HOLE, " "))
    words = [w for w in WORD.findall(text) if w not in SAME_IN_EVERY_LANGUAGE]
    return bool(words)


def _is_prose(literal):
    """A literal a reader would see: words with a space, or a capitalised word."""
    return bool(WORD.search(literal)) and (" " in literal.strip() or literal[:1].isupper())


def unmarked(source):
    """[text] of `source` (a template) that a reader would see untranslated."""
    found = []
    markup = []
    inside = None  # the end tag of a translated or skipped block we are in
    for token in Lexer(source).tokenize():
        content = token.contents.strip()
        if token.token_type == TokenType.BLOCK:
            name = content.split()[0] if content else ""
            if inside:
                if name == inside:
                    inside = None
                markup.append(HOLE)
                continue
            if name in ("blocktranslate", "blocktrans"):
                inside = "endblocktranslate" if name == "blocktranslate" else "endblocktrans"
            elif name == "comment":
                inside = "endcomment"
            elif name == "verbatim":
                inside = "endverbatim"
            elif name not in NAME_TAGS and name not in ("translate", "trans"):
                found += [m["text"] for m in LITERAL.finditer(content) if _is_prose(m["text"])]
            elif name == "include" and " with " in content:
                args = content.split(" with ", 1)[1]
                found += [m["text"] for m in LITERAL.finditer(args) if _is_prose(m["text"])]
            markup.append(HOLE)
        elif token.token_type == TokenType.VAR:
            if not inside:
                found += [m["text"] for m in LITERAL.finditer(content) if _is_prose(m["text"])]
            markup.append(HOLE)
        elif token.token_type == TokenType.TEXT and not inside:
            markup.append(token.contents)
        else:
            markup.append(HOLE)
    reader = _Reader()
    reader.feed("".join(markup))
    reader.close()
    found += [text.strip() for text in reader.texts if _reads_as_words(text)]
    return found


def unmarked_text_lines(source):
    """[text] of a plain-text template (an email): every line outside tags with words."""
    found = []
    inside = None
    for token in Lexer(source).tokenize():
        content = token.contents.strip()
        if token.token_type == TokenType.BLOCK:
            name = content.split()[0] if content else ""
            if inside:
                inside = None if name == inside else inside
            elif name in ("blocktranslate", "blocktrans", "comment"):
                inside = {"comment": "endcomment", "blocktrans": "endblocktrans"}.get(
                    name, "endblocktranslate"
                )
        elif token.token_type == TokenType.TEXT and not inside:
            found += [line.strip() for line in token.contents.splitlines() if _reads_as_words(line)]
    return found
