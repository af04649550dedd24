"""Text as lists, labels and history show it."""

from django.utils.text import Truncator


def cut_at_word(text: str, limit: int) -> str:
    """The text on one line, at most `limit` characters: when cut, it ends at a whole word and
    an ellipsis says there is more."""
    text = " ".join((text or "").split())
    short = Truncator(text).chars(limit)
    if short == text:
        return short
    head = short.removesuffix("…")
    if not text[len(head) : len(head) + 1].isspace() and " " in head:
        head = head.rsplit(" ", 1)[0]  # the last word was cut: leave it out
    return head.rstrip(" ,;:-") + "…"
