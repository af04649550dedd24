"""Text as lists, labels and history show it, and refs as people sort them."""

import re
import unicodedata

from django.utils.text import Truncator

# Wide enough for any number a ref holds (a commitment 1.999999, a section 2016).
SORT_KEY_NUMBER_WIDTH = 6


def cut_at_word(text: str, limit: int) -> str:
    """The text on one line, at most `limit` characters: when cut, it ends at a whole word and
    an ellipsis says there is more."""
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text  # combining marks count for nothing, so a text this short is never cut
    if text.isascii() or not any(map(unicodedata.combining, text)):
        # What Truncator keeps of text without combining marks (room for the ellipsis), without
        # its walk over each character in Python: lists cut every row's text, and the walk cost
        # more than the rest of a row.
        head = text[: limit - 1]
    else:
        short = Truncator(text).chars(limit)
        if short == text:
            return short
        head = short.removesuffix("…")
    if not text[len(head) : len(head) + 1].isspace() and " " in head:
        head = head.rsplit(" ", 1)[0]  # the last word was cut: leave it out
    return head.rstrip(" ,;:-") + "…"


def sort_key(ref: str) -> str:
    """A ref as text that sorts as people expect: 1.2 before 1.10, A.1 before B.1, Section 2
    before Section 10.

    For a key stored beside the ref, so that a database can sort and page by it: numbers are
    padded to a fixed width and letters lower-cased; punctuation and spaces are left out, so
    the key holds only digits and letters, which every database collation orders alike.
    """
    parts = re.findall(r"\d+|[^\W\d_]+", (ref or "").casefold())
    return "".join(part.zfill(SORT_KEY_NUMBER_WIDTH) if part.isdigit() else part for part in parts)
