"""What the panel paper's tagged PDF needs beyond what WeasyPrint writes, done through its
`finisher` hook on the PDF objects before they are written.

- The running header and footer (page margins) are marked as pagination artifacts. WeasyPrint
  marks their text as ordinary content that no structure element holds, which a screen reader
  cannot place and PDF/UA does not allow.
- Each link annotation is named by its link's text ("Appendix C: Delivery plan..."), where
  WeasyPrint names it by its target ("appendix-delivery_plans").
"""

import pydyf
from weasyprint.formatting_structure import boxes

NULL = b"null"


def _number(reference) -> int | None:
    """The object number of a reference such as b"12 0 R", or None for anything else."""
    if isinstance(reference, bytes):
        reference = reference.decode("ascii", "replace")
    if isinstance(reference, str) and reference.endswith(" R"):
        return int(reference.split()[0])
    return None


def _object(pdf: pydyf.PDF, reference) -> pydyf.Object:
    number = _number(reference)
    if number is None:
        raise ValueError(f"Not a reference to a PDF object: {reference!r}")
    return pdf.objects[number]


def _reachable(pdf: pydyf.PDF, root) -> set[int]:
    """Numbers of the structure elements the structure tree holds."""
    seen: set[int] = set()
    todo = [root]
    while todo:
        element = todo.pop()
        for kid in element.get("K", []):
            number = _number(kid)
            if number is not None:
                if number not in seen:
                    seen.add(number)
                    kid_object = pdf.objects[number]
                    if isinstance(kid_object, pydyf.Dictionary):
                        todo.append(kid_object)
    return seen


def mark_margins_as_artifacts(pdf: pydyf.PDF) -> None:
    """Marked content that no structure element in the tree holds becomes a pagination
    artifact; in the paper that is the page margins' running header and footer."""
    root = _object(pdf, pdf.catalog["StructTreeRoot"])
    held = _reachable(pdf, root)
    nums = _object(pdf, root["ParentTree"])["Nums"]
    for page_number, page_reference in enumerate(pdf.page_references):
        mapping = nums[2 * page_number + 1]
        orphans = {
            mcid
            for mcid, reference in enumerate(mapping)
            if _number(reference) is not None and _number(reference) not in held
        }
        if not orphans:
            continue
        for mcid in orphans:
            mapping[mcid] = NULL
        contents = _object(pdf, _object(pdf, page_reference)["Contents"])
        tokens = contents.stream
        for i, token in enumerate(tokens):
            if (
                isinstance(token, pydyf.Dictionary)
                and token.get("MCID") in orphans
                and i + 1 < len(tokens)
                and tokens[i + 1] == b"BDC"
            ):
                tokens[i - 1] = "/Artifact"
                tokens[i] = pydyf.Dictionary({"Type": "/Pagination"})


def _text_of(box) -> str:
    if isinstance(box, boxes.TextBox):
        return box.text
    if isinstance(box, boxes.ParentBox):
        return "".join(_text_of(child) for child in box.children)
    return ""


def _linked_boxes(box):
    if box.link_annotation is not None:
        yield box
    if isinstance(box, boxes.ParentBox):
        for child in box.children:
            yield from _linked_boxes(child)


def name_links_by_their_text(document) -> None:
    for page in document.pages:
        for box in _linked_boxes(page._page_box):
            text = " ".join(_text_of(box).split())
            if text:
                box.link_annotation["Contents"] = pydyf.String(text)


def finish(document, pdf: pydyf.PDF) -> None:
    """The `finisher` of the paper's `write_pdf`."""
    name_links_by_their_text(document)
    if "StructTreeRoot" in pdf.catalog:
        mark_margins_as_artifacts(pdf)
