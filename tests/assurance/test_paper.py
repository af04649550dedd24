"""The panel paper as the panel reads it and as a screen reader reads it, on the demo data:
type sizes, pages, the glossary and the holding-to-account months, text printed once and in
full, RAG that reads in greyscale, dates that agree, and the tagged PDF's structure read back
with pikepdf."""

import datetime
import html
import re
from dataclasses import dataclass
from io import BytesIO, StringIO
from itertools import combinations
from pathlib import Path

import pikepdf
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from assurance import paper_layout, paper_parts, registry
from tests.conftest import one_line, pdf_text, requires_pdftotext

# The demo paper's fixture sets the database up for the module (a test that asks for no
# database would leave it unmade).
pytestmark = pytest.mark.django_db

PAPER_CSS = Path(settings.BASE_DIR) / "static" / "css" / "paper.css"
# CSS pixels to points: WeasyPrint draws in CSS pixels scaled by 0.75.
PX = 0.75
MONTHS = [datetime.date(2016, m, 1).strftime("%B") for m in range(1, 13)]
DATE = re.compile(rf"\b(\d{{1,2}}) ({'|'.join(MONTHS)}) (\d{{4}})\b")


@dataclass
class DemoPaper:
    html: str
    pdf: bytes
    text: str
    snapshot: dict
    meeting_date: datetime.date


@pytest.fixture(scope="module")
def demo_paper(django_db_setup, django_db_blocker, tmp_path_factory) -> DemoPaper:
    """The demo's published paper, made once for the module; the demo data is rolled back."""
    from assurance.models import Publication
    from assurance.paper import render_paper_html, write_pdf

    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media), transaction.atomic():
        call_command("load_demo", force=True, stdout=StringIO())
        publication = Publication.objects.filter(organisation__is_home=True).get()
        document = render_paper_html(publication.paper)
        snapshot = publication.snapshot
        transaction.set_rollback(True)
    pdf = write_pdf(document)
    return DemoPaper(
        html=document,
        pdf=pdf,
        text=pdf_text(pdf),
        snapshot=snapshot,
        meeting_date=datetime.date.fromisoformat(snapshot["report"]["meeting_date"]),
    )


def pages_of(pdf: bytes) -> list[dict]:
    """Each page's height and its text lines (top, bottom, text), from pdftotext's boxes."""
    out = pdf_text(pdf, "-bbox-layout")
    pages = []
    for height, body in re.findall(r'<page width="[\d.]+" height="([\d.]+)">(.*?)</page>', out, re.S):
        lines = []
        for top, bottom, words in re.findall(
            r'<line xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">(.*?)</line>', body, re.S
        ):
            text = " ".join(html.unescape(w) for w in re.findall(r">([^<]*)</word>", words))
            lines.append((float(top), float(bottom), text))
        pages.append({"height": float(height), "lines": sorted(lines)})
    return pages


def content_lines(page: dict) -> list[tuple[float, float, str]]:
    """A page's lines above its running footer."""
    footer_top = page["height"] - 18 / 25.4 * 72
    return [line for line in page["lines"] if line[1] < footer_top]


# -- type and colour, from the paper's style sheet ----------------------------------------


def css_rules() -> list[tuple[str, dict[str, str]]]:
    css = re.sub(r"/\*.*?\*/", "", PAPER_CSS.read_text(), flags=re.S)
    rules = []
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        declarations = {
            name.strip(): value.strip()
            for name, _, value in (d.partition(":") for d in body.split(";"))
            if value.strip()
        }
        rules.append((" ".join(selectors.split()), declarations))
    return rules


def lightness(colour: str) -> float:
    """CIE L* of an sRGB colour written #rrggbb: how light it prints in greyscale."""
    y = luminance(colour)
    return 116 * y ** (1 / 3) - 16 if y > 216 / 24389 else 903.3 * y


def luminance(colour: str) -> float:
    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)


def contrast(one: str, other: str) -> float:
    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_body_text_is_at_least_11pt_and_table_text_at_least_9pt_in_the_style_sheet():
    rules = dict(css_rules())
    assert rules["html"]["font-size"] == "11pt"
    assert float(rules["table"]["font-size"].removesuffix("pt")) >= 9
    for selector, declarations in css_rules():
        for name in ("font-size", "font"):
            if name in declarations:
                size = re.search(r"([\d.]+)(pt|px|em|rem|%)", declarations[name])
                assert size and size.group(2) == "pt", f"{selector}: sizes are given in points"
                assert float(size.group(1)) >= 9, f"{selector}: {declarations[name]}"


def test_each_rag_fill_has_a_lightness_of_its_own_and_its_word_reads_on_it():
    fills = {}
    for selector, declarations in css_rules():
        found = re.fullmatch(r'\.app-rag\[data-rag="(\w+)"\]', selector)
        if found:
            fills[found.group(1)] = declarations
    assert set(fills) == {"red", "amber", "green", "not_rated"}
    for one, other in combinations(fills, 2):
        difference = abs(lightness(fills[one]["background"]) - lightness(fills[other]["background"]))
        assert difference >= 15, f"{one} and {other} print alike in greyscale ({difference:.0f} L*)"
    order = sorted(fills, key=lambda rag: lightness(fills[rag]["background"]))
    assert order == ["red", "amber", "green", "not_rated"]  # the worse, the darker
    assert fills["not_rated"].get("border-style") == "dashed"  # white on white needs its border


def test_every_tag_colour_in_the_paper_reads_as_text():
    tags = [(s, d) for s, d in css_rules() if "govuk-tag" in s or "app-rag" in s]
    assert len(tags) >= 8
    for selector, declarations in tags:
        if "background" in declarations and "color" in declarations:
            ratio = contrast(declarations["background"], declarations["color"])
            assert ratio >= 4.5, f"{selector}: {ratio:.1f}:1"


# -- the layout of tables, before WeasyPrint ------------------------------------------


def test_every_table_gets_column_widths_from_its_content():
    document = (
        "<!DOCTYPE html><html><body><table><caption>Commitments</caption>"
        "<thead><tr><th>Ref</th><th>Commitment</th><th>RAG</th></tr></thead><tbody>"
        '<tr><th scope="row" rowspan="2">1.1</th><td>' + "Make sure officers have the skills " * 6 + "</td>"
        '<td><strong class="govuk-tag">Not rated</strong></td></tr>'
        "<tr><td>Short</td><td>Green</td></tr></tbody></table></body></html>"
    )
    prepared = paper_layout.prepare(document)
    assert prepared.startswith("<!DOCTYPE html>")
    assert "</caption><colgroup>" in prepared
    widths = [float(w) for w in re.findall(r'<col style="width: ([\d.]+)%">', prepared)]
    assert len(widths) == 3 and abs(sum(widths) - 100) < 0.1
    ref, text, rag = widths
    assert ref < rag < text
    assert 'data-short="true"' in prepared


def test_a_long_table_may_split_and_a_narrow_one_is_not_stretched():
    rows = "".join(f"<tr><td>{n}</td><td>{'word ' * 60}</td></tr>" for n in range(40))
    long = paper_layout.prepare(f"<body><table><tbody>{rows}</tbody></table></body>")
    assert "data-short" not in long and "style=" not in long.split("<colgroup>")[0]
    narrow = paper_layout.prepare(
        "<body><table><tbody><tr><th>Q1</th><td>78</td></tr></tbody></table></body>"
    )
    assert re.search(r'<table data-short="true" style="width: \d+%">', narrow)


def test_hyphenated_words_are_kept_whole_but_not_in_attributes_or_the_head():
    prepared = paper_layout.prepare(
        '<head><title>holding-to-account</title></head><body><p title="a-b">holding-to-account</p></body>'
    )
    assert "<title>holding-to-account</title>" in prepared and 'title="a-b"' in prepared
    assert '<span class="app-nowrap">holding-to-account</span>' in prepared


# -- the demo's paper -------------------------------------------------------------------


@requires_pdftotext
def test_no_text_in_the_layer_is_run_together_at_a_line_end(demo_paper):
    source = html.unescape(
        re.sub(r"<[^>]+>", " ", re.sub(r"<head>.*?</head>", " ", demo_paper.html, flags=re.S))
    )
    known = {w.lower() for w in re.findall(r"\w[\w'’-]*", source)} | {"page", "of"}
    for options in ((), ("-raw",)):
        read = {w.lower() for w in re.findall(r"\w[\w'’-]*", pdf_text(demo_paper.pdf, *options))}
        assert {w for w in read - known if not w.isdigit()} == set(), options  # page numbers aside


@requires_pdftotext
def test_text_is_set_at_9pt_at_the_least_and_the_report_at_11pt(demo_paper):
    pdf = pikepdf.open(BytesIO(demo_paper.pdf))
    cover_pages = 2
    for number, page in enumerate(pdf.pages):
        size, marked, sizes = None, [], set()
        for operands, operator in pikepdf.parse_content_stream(page):
            name = str(operator)
            if name in ("BDC", "BMC"):
                marked.append(str(operands[0]))
            elif name == "EMC" and marked:
                marked.pop()
            elif name == "Tf":
                size = float(operands[1]) * PX
            elif name in ("TJ", "Tj") and "/Artifact" not in marked:
                sizes.add(size)
        assert sizes and min(sizes) >= 8.99, (number + 1, sizes)
        if number < cover_pages:
            assert min(sizes) >= 10.99, (number + 1, sizes)


@requires_pdftotext
def test_no_page_is_less_than_half_full_but_before_a_new_appendix(demo_paper):
    pages = pages_of(demo_paper.pdf)
    for number, page in enumerate(pages[:-1], start=1):
        following = content_lines(pages[number])
        if following and re.match(r"Appendix [A-Z]: ", following[0][2]):
            continue
        bottom = max(line[1] for line in content_lines(page))
        assert bottom >= page["height"] / 2, f"page {number} is less than half full"


@requires_pdftotext
def test_no_page_ends_with_a_heading_or_a_caption(demo_paper):
    titles = {
        one_line(html.unescape(re.sub(r"<[^>]+>", " ", t)))
        for t in re.findall(r"<(?:h[1-4]|caption)\b[^>]*>(.*?)</(?:h[1-4]|caption)>", demo_paper.html, re.S)
    }
    for number, page in enumerate(pages_of(demo_paper.pdf), start=1):
        last = content_lines(page)[-1][2]
        assert len(last) < 12 or not any(
            title.endswith(last) or title.startswith(last) for title in titles
        ), f"page {number} ends with ‘{last}’"


@requires_pdftotext
def test_nothing_is_cut_short_or_said_twice(demo_paper):
    text = demo_paper.text
    assert "…" not in text and not re.search(r"\w\.\.\.(?!\.)", text)  # the contents' leaders aside
    flat = one_line(text)
    assert "Warwickshire only. (Warwickshire only)" not in flat
    plan = next(a for a in demo_paper.snapshot["areas"] if a["key"] == "delivery_plans")["data"]
    objectives = [objective for p in plan["plans"] for objective in p["objectives"]]
    groups = sum(
        1
        for objective in objectives
        for n, c in enumerate(objective["commitments"])
        if n == 0 or c["kind"] != objective["commitments"][n - 1]["kind"]
    )
    label_counts = flat.count("Holding the Chief Constable to account for:") + flat.count("The PCC will:")
    assert label_counts == groups >= 4
    assert "No summary published" not in flat
    every_text = [c["text"] for o in objectives for c in o["commitments"]]
    longest = max(every_text, key=len)
    assert one_line(longest)[-40:] in flat


@requires_pdftotext
def test_the_glossary_gives_every_body_and_the_acronyms_used(demo_paper):
    meetings = next(a for a in demo_paper.snapshot["areas"] if a["key"] == "meetings")["data"]
    glossary = meetings["glossary"]
    assert len(glossary) >= 30
    trust = next(b for b in glossary if b["name"] == "Trust, Integrity and Ethics Committee")
    assert trust["held_in_public"] and trust["notes_published"] and trust["frequency_label"] == "Quarterly"
    flat = one_line(demo_paper.text)
    start = flat.index("Glossary Oversight bodies")
    glossary_text = flat[start:]
    for body in glossary:
        assert one_line(body["name"]) in glossary_text, body["name"]
    acronyms = {a["term"]: a["meaning"] for a in demo_paper.snapshot["acronyms"]}
    assert acronyms["PCC"] == "Police and Crime Commissioner" and "ICV" in acronyms
    assert "YJS" in acronyms  # from a body's name in the glossary
    assert "VCOP" not in acronyms  # the office's list has it; this paper does not use it
    assert (
        "Acronyms used in this paper" in glossary_text
        and "PCC Police and Crime Commissioner" in glossary_text
    )


@requires_pdftotext
def test_the_holding_to_account_appendix_has_every_month_of_the_year_to_date(demo_paper):
    meetings = next(a for a in demo_paper.snapshot["areas"] if a["key"] == "meetings")["data"]
    (body,) = meetings["holding_to_account"]
    months = [m["month"] for m in body["months"]]
    assert months == [f"2016-{m:02d}-01" for m in range(4, 12)]  # April to November: as at 29 November
    flat = one_line(demo_paper.text)
    assert "Monthly Holding to Account: items covered in 2016/17 to 29 November 2016" in flat
    assert "August 2016 No meeting" in flat
    assert "Cyber crime (P): deferred" in flat
    assert "27 October 2016, ad hoc meeting OCC and 101 performance" in flat
    assert "December 2016 No meeting" not in flat


@requires_pdftotext
def test_the_principles_appendix_gives_the_expected_behaviours(demo_paper):
    principles = next(a for a in demo_paper.snapshot["areas"] if a["key"] == "principles")["data"]
    behaviour = principles["principles"][0]["sub_principles"][0]["expected_behaviours"][0]
    assert one_line(behaviour) in one_line(demo_paper.text)


@requires_pdftotext
def test_every_date_agrees_with_the_status_date_and_none_is_after_the_meeting(demo_paper):
    as_at = datetime.date.fromisoformat(demo_paper.snapshot["as_at"])
    assert as_at == datetime.date(2016, 11, 29)  # published before the quarter's end
    flat = one_line(demo_paper.text)
    # The paper's own dates, not those its records' text mentions ("posts funded to 31 March").
    own = re.findall(rf"\b(as at|at|to|raised|published|Board,|Account,) {DATE.pattern}", flat)
    assert len(own) >= 10
    for word, day, month, year in own:
        said = datetime.date(int(year), MONTHS.index(month) + 1, int(day))
        assert said <= demo_paper.meeting_date, f"{word} {day} {month} {year}"
        if word in ("as at", "at", "to"):
            assert said == as_at, f"{word} {day} {month} {year}"
    meetings = next(a for a in demo_paper.snapshot["areas"] if a["key"] == "meetings")["data"]
    assert max(m["date"] for m in meetings["meetings"]) <= as_at.isoformat()
    assert "Statuses as at 29 November 2016" in flat


# -- the tagged PDF, read back ------------------------------------------------------------


def structure(pdf: pikepdf.Pdf):
    """Every structure element, depth first."""
    todo = [pdf.Root.StructTreeRoot]
    while todo:
        element = todo.pop()
        kids = element.get("/K")
        if kids is None:
            continue
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                yield kid
                todo.append(kid)


def below(element) -> list:
    found, todo = [], [element]
    while todo:
        kids = todo.pop().get("/K")
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []:
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                found.append(kid)
                todo.append(kid)
    return found


@requires_pdftotext
def test_the_pdf_is_tagged_titled_in_english_and_its_tables_have_header_cells(demo_paper):
    pdf = pikepdf.open(BytesIO(demo_paper.pdf))
    assert str(pdf.docinfo["/Title"]) == "Assurance and performance: 2016/17 Q3"
    assert pdf.Root.ViewerPreferences.DisplayDocTitle is True
    assert str(pdf.Root.Lang) == "en-GB"
    assert pdf.Root.MarkInfo.Marked is True
    with pdf.open_metadata() as xmp:
        assert "Assurance and performance" in str(xmp.get("dc:title"))
    elements = list(structure(pdf))
    tables = [e for e in elements if e.S == "/Table"]
    assert len(tables) >= 30
    for table in tables:
        kinds = [str(e.S) for e in below(table)]
        assert "/TH" in kinds and "/TR" in kinds, "each part of a table has its header row"
    # A data cell names its row's header (the ref) and its column's.
    cells = [e for e in elements if e.S == "/TD" and "/Headers" in e.A]
    assert any(len(cell.A.Headers) >= 2 for cell in cells)


@requires_pdftotext
def test_running_headers_and_footers_are_artifacts_and_all_other_text_is_tagged(demo_paper):
    assert_margins_are_artifacts_and_all_other_text_is_tagged(demo_paper.pdf)


def assert_margins_are_artifacts_and_all_other_text_is_tagged(paper: bytes) -> None:
    pdf = pikepdf.open(BytesIO(paper))
    nums = pdf.Root.StructTreeRoot.ParentTree.Nums
    for number, page in enumerate(pdf.pages):
        mapping = nums[2 * number + 1]
        marked, artifact_text, tagged = [], [], set()
        for operands, operator in pikepdf.parse_content_stream(page):
            name = str(operator)
            if name == "BDC":
                marked.append((str(operands[0]), operands[1].get("/MCID")))
            elif name == "BMC":
                marked.append((str(operands[0]), None))
            elif name == "EMC" and marked:
                marked.pop()
            elif name in ("TJ", "Tj"):
                assert marked, f"page {number + 1}: text outside marked content"
                tag, mcid = marked[-1]
                if tag == "/Artifact":
                    artifact_text.append(operands)
                else:
                    assert mcid is not None and mapping[int(mcid)] is not None
                    tagged.add(int(mcid))
            elif name == "Do" and marked and marked[-1][0] == "/Artifact":
                # The page margins, printed over the page as one drawing: all of it an artifact.
                margins = page.Resources.XObject[operands[0]]
                artifact_text += [
                    o for o, op in pikepdf.parse_content_stream(margins) if str(op) in ("TJ", "Tj")
                ]
        assert len(artifact_text) >= 2, f"page {number + 1}: the running title and page number"
        assert tagged


@requires_pdftotext
def test_each_contents_entry_is_one_link_named_by_its_appendix(demo_paper):
    pdf = pikepdf.open(BytesIO(demo_paper.pdf))
    entries = re.findall(r'<li data-target="#([\w-]+)"><a href="#[\w-]+">(.*?)</a>', demo_paper.html)
    # The summary, each area's appendix, the glossary.
    assert len(entries) == 2 + sum(1 for area in registry.areas() if area.appendix_template)
    links = [
        (str(a.Dest), str(a.Contents))
        for page in pdf.pages
        for a in page.get("/Annots", [])
        if a.Subtype == "/Link" and "/Dest" in a
    ]
    assert links == [(target, html.unescape(title)) for target, title in entries]


@requires_pdftotext
def test_the_demo_report_refers_to_appendices_the_paper_has_by_their_subject(demo_paper):
    """The cover report names appendices by letter: each letter it names is in the contents,
    for what the report says is there."""
    contents = dict(re.findall(r"Appendix ([A-Z]): ([^.\n]+?) \.", one_line(demo_paper.text)))
    report = " ".join(str(value) for value in demo_paper.snapshot["report"].values())
    named = set(re.findall(r"Appendix ([A-Z])\b", report))
    assert named and named <= set(contents), (named, contents)
    # What each sentence says is at an appendix is what that appendix holds.
    for said, holds in (
        ("Both are set out", "Delivery plan"),
        ("reason given in", "Delivery plan"),
        ("holding-to-account meetings of the year", "meetings"),
        ("in the glossary", "Glossary"),
    ):
        letter = re.search(re.escape(said) + r"[^.]*?Appendix ([A-Z])", report)
        assert letter and holds in contents[letter.group(1)], (said, contents)


@requires_pdftotext
def test_a_paper_made_in_parts_reads_as_one_document(demo_paper, monkeypatch):
    """A long plan's paper is made a part at a time (assurance.paper_parts), so that its memory
    does not grow with its length. Made so here with parts small enough that the appendices
    come in pieces: numbered as one, its contents and links and outline going to the right
    pages, and one structure tree."""
    from assurance.paper import write_pdf

    assert paper_parts.split(demo_paper.html) is None  # the demo's paper is made in one
    monkeypatch.setattr(paper_parts, "PARTS_FROM", 0)
    monkeypatch.setattr(paper_parts, "PART_CHARACTERS", 25_000)
    split = paper_parts.split(demo_paper.html)
    appendices = len(re.findall(r'<section class="appendix" id=', demo_paper.html))
    assert split is not None and len(split.parts) > 1 + appendices + 2
    pdf = write_pdf(demo_paper.html)
    pages = pages_of(pdf)
    for number, page in enumerate(pages, start=1):
        assert page["lines"][-1][2].endswith(f"Page {number} of {len(pages)}"), page["lines"][-1]
    starts = {}  # appendix title -> the page it starts on
    for number, page in enumerate(pages, start=1):
        first = content_lines(page)[0][2] if content_lines(page) else ""
        if re.match(r"Appendix [A-Z]: ", first):
            starts[first] = number
    contents = re.findall(
        r"(Appendix [A-Z]: .+?) [. ]+ (\d+)$",
        "\n".join(line[2] for line in pages[0]["lines"] + pages[1]["lines"]),
        re.M,
    )
    assert len(contents) == appendices
    assert {title: int(number) for title, number in contents} == starts

    document = pikepdf.open(BytesIO(pdf))
    names = list(document.Root.Names.Dests.Names)
    destinations = {str(n): d for n, d in zip(names[::2], names[1::2], strict=True)}
    page_number = {page.objgen: n for n, page in enumerate(document.pages, start=1)}
    links = [
        (str(a.Contents), page_number[destinations[str(a.Dest)][0].objgen])
        for page in document.pages
        for a in page.get("/Annots", [])
        if a.Subtype == "/Link" and "/Dest" in a
    ]
    assert dict(links) == starts
    with document.open_outline() as outline:
        top = [item for root in outline.root for item in [root, *root.children]]
        marks = {item.title: page_number[item.destination[0].objgen] for item in top}
    assert {title: marks[title] for title in starts} == starts
    # One structure tree: a Document, each page's entry and each link's in the parent tree.
    root = document.Root.StructTreeRoot
    assert len(root.K) == 1 and root.K[0].S == "/Document"
    nums = list(root.ParentTree.Nums)
    keys = [int(k) for k in nums[::2]]
    assert keys == list(range(len(keys))) and int(root.ParentTreeNextKey) == len(keys)
    for number, page in enumerate(document.pages):
        assert int(page.StructParents) == number
        for annotation in page.get("/Annots", []):
            assert nums[2 * int(annotation.StructParent) + 1].S == "/Link"
    assert_margins_are_artifacts_and_all_other_text_is_tagged(pdf)
    tables = [e for e in _elements(root.K[0]) if e.get("/S") == "/Table"]
    assert len(tables) >= appendices and all(
        any(cell.get("/S") == "/TH" for cell in _elements(table)) for table in tables
    )


def _elements(element):
    """Every structure element under one, depth first."""
    kids = element.get("/K")
    kids = kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []
    for kid in kids:
        if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") != "/OBJR" and "/S" in kid:
            yield kid
            yield from _elements(kid)
