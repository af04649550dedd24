"""A panel paper made in parts, so that its memory does not grow with its length.

WeasyPrint keeps every page's boxes until the whole document is written: about 1.8 MiB a page,
nearly 1 GiB for a plan of 2,000 commitments. Here the paper's HTML is cut into parts (the
cover report, then each appendix, and a long appendix at its headings), each part is laid out
and written on its own, and the parts are joined with pikepdf into one tagged PDF: one page
sequence, one structure tree and parent tree, one set of named destinations, one outline.

What crosses parts is done once the parts' page counts are known: the contents' page numbers
(the cover part is made last), and the running header and footer ("Page 3 of 40"), printed
from a document of page margins alone and laid on each page as a pagination artifact. The
price: a table split between parts is two tables (each with its caption and header row), and
a part's last page may be less than half full. Short papers are made as one document.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from io import BytesIO

import pikepdf
from weasyprint import HTML

from assurance.paper_layout import TOKEN

# A paper longer than this (in characters of HTML, about 140 pages, some 300 MiB to lay out at
# once) is made in parts; a shorter one as one document, with no joining to pay for.
PARTS_FROM = 600_000
# Each part is no longer than this (about 55 pages of the delivery plan's table): an appendix
# or a table longer than this is made in more than one part, at its headings or between rows.
PART_CHARACTERS = 250_000
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
HEADING = re.compile(r"h[1-6]")
IDS = re.compile(r'\sid="([^"]+)"')
LINKS = re.compile(r'\shref="#([^"]+)"')
CONTENTS_TARGET = re.compile(r'data-target="#([^"]+)"')
PX = 0.75  # points in a CSS pixel

# Each part leaves its page margins empty: they are printed over the joined pages.
PART_STYLE = (
    "<style>@page { @top-center { content: none } @bottom-left { content: none }"
    " @bottom-right { content: none } }</style>"
)
# The cover part numbers its contents from the other parts' page counts.
CONTENTS_STYLE = '<style>.contents li::after { content: leader(".") " " attr(data-page); }</style>'
STAMP_STYLE = "<style>.paper-margins { break-after: page; } .paper-margins.wide { page: wide; }</style>"


@dataclass
class Split:
    """A paper's HTML cut into parts."""

    head: str  # the document up to its <body>
    running: list[str]  # the elements the page margins show (the running title, a preview mark)
    parts: list[str]  # the cover, then each appendix or piece of one
    contents: bool = False  # the first part lists the others with their page numbers


@dataclass
class Part:
    pdf: bytes
    pages: int
    ids: set[str]
    bookmarks: list[tuple[int, str, int, float, float]] = field(default_factory=list)


def _children(document: str, start: int, end: int) -> list[tuple[int, int, str, str]]:
    """(start, end, tag, attributes) of each element directly inside document[start:end], or
    an empty list when the markup there does not nest as it should."""
    children, depth, opened = [], 0, None
    for match in TOKEN.finditer(document, start, end):
        closing, tag, attrs, _ = match.groups()
        if tag is None or tag.lower() in VOID or (attrs or "").rstrip().endswith("/"):
            continue
        tag = tag.lower()
        if not closing:
            if depth == 0:
                opened = (match.start(), tag, attrs)
            depth += 1
        else:
            depth -= 1
            if depth < 0 or opened is None:
                return []
            if depth == 0:
                if opened[1] != tag:
                    return []
                children.append((opened[0], match.end(), tag, opened[2]))
    return children if depth == 0 else []


def split(document: str, budget: int | None = None) -> Split | None:
    """A long paper's HTML in parts, none longer than `budget` (PART_CHARACTERS) unless one
    heading's block is; None for a paper shorter than PARTS_FROM, or one not shaped as the paper
    template makes it: it is made as one document."""
    budget = budget or PART_CHARACTERS
    if len(document) < PARTS_FROM:
        return None
    body = re.search(r"<body[^>]*>", document)
    end = document.rfind("</body>")
    if body is None or end < 0:
        return None
    children = _children(document, body.end(), end)
    sections = [c for c in children if c[2] == "section"]
    if not sections:
        return None
    running = [document[s:e] for s, e, tag, _ in children if tag != "section"]
    parts = []
    for start, stop, _, attrs in sections:
        if stop - start <= budget or "appendix" not in attrs:
            parts.append(document[start:stop])
            continue
        opening = document[start : document.index(">", start) + 1]
        inner = _children(document, len(opening) + start, stop - len("</section>"))
        if not inner:
            parts.append(document[start:stop])
            continue
        # Blocks: a heading and what follows it up to the next heading, or a table's next
        # piece; parts are made of whole blocks, so a heading begins its part with what it heads.
        blocks: list[str] = []
        for s, e, tag, _ in inner:
            pieces = _table_pieces(document[s:e], budget) if tag == "table" else [document[s:e]]
            for number, piece in enumerate(pieces):
                if not blocks or HEADING.fullmatch(tag) or number:
                    blocks.append(piece)
                else:
                    blocks[-1] += piece
        groups: list[str] = []
        for block in blocks:
            if groups and len(groups[-1]) + len(block) <= budget:
                groups[-1] += block
            else:
                groups.append(block)
        for number, group in enumerate(groups):
            tag = opening if number == 0 else '<section class="appendix appendix-continued">'
            parts.append(tag + group + "</section>")
    return Split(
        head=document[: body.end()],
        running=running,
        parts=parts,
        contents=bool(CONTENTS_TARGET.search(parts[0])),
    )


@dataclass
class Writer:
    """How each part is made: the HTML's keywords (base URL, fetcher), the rendering options
    (the PDF variant) and the finisher."""

    keywords: dict
    options: dict
    finisher: Callable | None


def _table_pieces(table: str, budget: int) -> list[str]:
    """A table longer than `budget` as tables of its rows, each with the table's caption (marked
    as continued), column widths and header row: each piece is made in a part of its own, a
    whole table that a screen reader reads with its headers."""
    body = re.search(r"<tbody[^>]*>", table)
    close = table.rfind("</tbody>")
    if body is None or close < 0 or len(table) <= budget:
        return [table]
    rows = _children(table, body.end(), close)
    if not rows or any(tag != "tr" for _, _, tag, _ in rows):
        return [table]
    head, tail = table[: body.end()], table[close:]
    continued = head.replace("</caption>", " (continued)</caption>", 1)
    pieces: list[list[str]] = [[]]
    size = 0
    for s, e, _, _ in rows:
        if pieces[-1] and size + e - s > budget - len(head):
            # A row that heads a group of rows goes with them.
            carried = [pieces[-1].pop()] if "data-group-heading" in pieces[-1][-1][:40] else []
            pieces.append(carried)
            size = sum(len(r) for r in carried)
        pieces[-1].append(table[s:e])
        size += e - s
    return [(continued if n else head) + "".join(piece) + tail for n, piece in enumerate(pieces) if piece]


def _with_anchors(part: str) -> tuple[str, set[str]]:
    """A part, with an empty anchor at its top for each link to another part (joined, the
    link goes to the other part's anchor of that name), and the ids it holds itself."""
    ids = set(IDS.findall(part))
    elsewhere = sorted(set(LINKS.findall(part)) - ids)
    if elsewhere:
        first = part.index(">") + 1
        anchors = "".join(f'<div id="{name}"></div>' for name in elsewhere)
        part = part[:first] + anchors + part[first:]
    return part, ids


def _render(split: Split, body: str, ids: set[str], write: Writer, style: str = "") -> Part:
    head = split.head.replace("</head>", PART_STYLE + style + "</head>", 1)
    document = HTML(string=head + body + "</body></html>", **write.keywords).render(**write.options)
    bookmarks = [
        (level, label, number, x, y)
        for number, page in enumerate(document.pages)
        for level, label, (x, y), _ in page.bookmarks
    ]
    pdf = document.write_pdf(finisher=write.finisher, **write.options)
    pages = len(document.pages)
    return Part(pdf=pdf, pages=pages, ids=ids, bookmarks=bookmarks)


def write_in_parts(split: Split, writer: Writer) -> bytes:
    bodies = [_with_anchors(p) for p in split.parts]
    later = [_render(split, body, ids, writer) for body, ids in bodies[1:]]
    cover_body, cover_ids = bodies[0]
    cover = _render(split, cover_body, cover_ids, writer)
    if split.contents:
        # The contents name the first page of each part they list; made again with numbers.
        first_pages: dict[str, int] = {}
        page = cover.pages + 1
        for part in later:
            for name in part.ids:
                first_pages.setdefault(name, page)
            page += part.pages
        numbered = CONTENTS_TARGET.sub(
            lambda m: f'{m.group(0)} data-page="{first_pages.get(m.group(1), "")}"', cover_body
        )
        cover = _render(split, numbered, cover_ids, writer, CONTENTS_STYLE)
    return join([cover, *later], split, writer)


def join(parts: list[Part], split: Split, writer: Writer) -> bytes:
    """One PDF of the parts: the first part's catalog (title, language, metadata), every part's
    pages, structure, named destinations and outline, and the page margins over them all."""
    out = pikepdf.open(BytesIO(parts[0].pdf))
    document = out.Root.StructTreeRoot.K[0]
    page_entries: list = []
    annotation_entries: list = []
    destinations: dict[bytes, pikepdf.Object] = {}
    bookmarks = []
    for number, part in enumerate(parts):
        source = out if number == 0 else pikepdf.open(BytesIO(part.pdf))
        base = len(out.pages) if number else 0
        if number:
            out.pages.extend(source.pages)
            root = out.copy_foreign(source.Root.StructTreeRoot)
            dests = _destinations(source)
            if dests is not None:
                # copy_foreign copies only indirect objects; the pages it refers to are mapped
                # to those copied above.
                dests = out.copy_foreign(dests if dests.is_indirect else source.make_indirect(dests))
            for kid in root.K[0].K:
                kid.P = document
                document.K.append(kid)
        else:
            root = out.Root.StructTreeRoot
            dests = _destinations(out)
        part_nums = list(root.ParentTree.Nums)
        entries = dict(zip((int(k) for k in part_nums[::2]), part_nums[1::2], strict=True))
        for local in range(part.pages):
            page = out.pages[base + local]
            page_entries.append(entries[local])
            for annotation in page.obj.get("/Annots", []):
                if "/StructParent" in annotation:
                    annotation_entries.append((annotation, entries[int(annotation.StructParent)]))
        if dests is not None:
            flat = list(dests.Names)
            for name, destination in zip(flat[::2], flat[1::2], strict=True):
                key = bytes(name)
                # A part's own anchors win over the stand-ins that other parts' links point at.
                if key.decode("utf-8", "replace") in part.ids or key not in destinations:
                    destinations[key] = destination
        bookmarks += [(level, label, base + page, x, y) for level, label, page, x, y in part.bookmarks]
    # One parent tree: each page's entry by its place in the whole paper, then the annotations.
    total = len(out.pages)
    nums: list = []
    for number, (page, entry) in enumerate(zip(out.pages, page_entries, strict=True)):
        page.obj.StructParents = number
        nums += [number, entry]
    for offset, (annotation, entry) in enumerate(annotation_entries):
        annotation.StructParent = total + offset
        nums += [total + offset, entry]
    out.Root.StructTreeRoot.ParentTree = out.make_indirect(pikepdf.Dictionary(Nums=pikepdf.Array(nums)))
    out.Root.StructTreeRoot.ParentTreeNextKey = total + len(annotation_entries)
    if destinations:
        flat_out: list = []
        for key in sorted(destinations):
            flat_out += [pikepdf.String(key), destinations[key]]
        if "/Names" not in out.Root:
            out.Root.Names = pikepdf.Dictionary()
        out.Root.Names.Dests = out.make_indirect(pikepdf.Dictionary(Names=pikepdf.Array(flat_out)))
    _outline(out, bookmarks)
    _print_margins(out, split, writer)
    result = BytesIO()
    out.save(result)
    return result.getvalue()


def _destinations(pdf: pikepdf.Pdf):
    """The named destinations (a flat name tree, as WeasyPrint writes it), or None."""
    names = pdf.Root.get("/Names")
    return names.get("/Dests") if names is not None else None


def _outline(out: pikepdf.Pdf, bookmarks: list) -> None:
    """The outline (bookmarks) of the whole paper, nested by heading level as one document's."""
    with out.open_outline() as outline:
        outline.root.clear()
        stack: list[tuple[int, list]] = [(0, outline.root)]
        for level, label, page, x, y in bookmarks:
            height = float(out.pages[page].mediabox[3])
            item = pikepdf.OutlineItem(
                label, page, pikepdf.PageLocation.XYZ, left=x * PX, top=height - y * PX
            )
            while stack[-1][0] >= level:
                stack.pop()
            stack[-1][1].append(item)
            stack.append((level, item.children))


def _print_margins(out: pikepdf.Pdf, split: Split, writer: Writer) -> None:
    """The running header and footer of every page, from a document of page margins alone (as
    many pages, of the same sizes), laid over each page as a pagination artifact."""
    pages = "".join(
        f'<div class="paper-margins{" wide" if page.mediabox[2] > page.mediabox[3] else ""}"></div>'
        for page in out.pages
    )
    head = split.head.replace("</head>", STAMP_STYLE + "</head>", 1)
    html = HTML(string=head + "".join(split.running) + pages + "</body></html>", **writer.keywords)
    margins = pikepdf.open(BytesIO(html.write_pdf()))
    if len(margins.pages) != len(out.pages):
        raise ValueError(f"The page margins made {len(margins.pages)} pages for {len(out.pages)}")
    for page, margin in zip(out.pages, margins.pages, strict=True):
        form = out.copy_foreign(margin.as_form_xobject())
        name = page.add_resource(form, pikepdf.Name.XObject, prefix="Margins")
        page.contents_add(out.make_stream(b"q"), prepend=True)
        page.contents_add(
            out.make_stream(b"Q /Artifact <</Type /Pagination>> BDC q " + str(name).encode() + b" Do Q EMC")
        )
