"""The panel paper's HTML made ready for WeasyPrint: every table gets column widths, short
tables and the rows that head a group of rows are marked to stay with what follows, and
hyphenated words are kept on one line.

WeasyPrint's automatic table layout measures every cell twice (its narrowest and widest
content) before placing a row, and was about a quarter of the time of a long paper. Here the
same sizing is worked out once from the text, in characters, and written as a <colgroup>, so
the paper lays every table out with `table-layout: fixed`. It needs no widths from the areas:
a new area's GOV.UK tables are sized the same way.

A line may break after a hyphen, and text extractors (pdftotext, copy and paste, some screen
readers) then take the hyphen for a soft one and run the two halves together
("holding-toaccount"). Keeping such a word whole costs a little width and keeps the text
layer true.
"""

import html
import re

# The width of a table on an appendix page (A4 landscape less the margins) in characters of
# the table text: about 269 mm at 9 pt, where a character is about 1.65 mm wide on average.
TABLE_CHARACTERS = 160
# A cell's padding, in characters.
CELL_PADDING = 2
# Header cells are bold, so their text is wider; captions are bold and 11pt to the table's 9pt.
BOLD = 1.1
CAPTION = 1.1 * 11 / 9
# A table of no more lines of text than this (two fifths of an appendix page, a row's padding
# counted as ROW_LINES more) is kept on one page: moving it to the next page still leaves the
# page before it more than half full.
SHORT_TABLE_LINES = 17
ROW_LINES = 0.6
# A row of more lines than this (about a third of an appendix page) may split across pages: kept
# whole, it would move to the next page and could leave the page before it less than half full.
TALL_ROW_LINES = 14
# A word's own letters are often wider than the average character (capitals, a bold arrow):
# a column is never made narrower than its longest word by this much more.
WORD_WIDTH = 1.2
# Words longer than this (addresses, long references) may still break anywhere, as the CSS
# allows; shorter hyphenated words stay whole.
LONGEST_UNBROKEN = 30

TOKEN = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)([^>]*)>|([^<]+)|<!--.*?-->|<[^>]*>|<", re.S)
COLSPAN = re.compile(r'colspan="?(\d+)')
ROWSPAN = re.compile(r'rowspan="?(\d+)')
# Line breaks within a cell: a cell's widest content is its longest line, not all its text.
LINE_BREAKING = {"br", "p", "li", "ul", "ol", "div", "dt", "dd"}
RAW_TEXT = {"style", "script", "title"}
HYPHENATED = re.compile(r"\w+(?:-\w+)+")


class _Cell:
    def __init__(self, colspan: int, rowspan: int, bold: bool):
        self.colspan = colspan
        self.rowspan = rowspan
        self.group_heading = False  # a row of its own heading the rows below it
        self.bold = bold
        self.lines = [""]

    def add(self, text: str) -> None:
        self.lines[-1] += text

    def new_line(self) -> None:
        self.lines.append("")

    def widths(self) -> tuple[float, float]:
        """The narrowest (longest word) and widest (longest line) the cell can be, in characters."""
        words = [len(w) for line in self.lines for w in line.split()]
        narrowest = max(words, default=0)
        widest = max((len(" ".join(line.split())) for line in self.lines), default=0)
        factor = BOLD if self.bold else 1
        return narrowest * factor * WORD_WIDTH + CELL_PADDING, widest * factor + CELL_PADDING

    def lines_in(self, room: float) -> int:
        """How many lines the cell takes in a column of `room` characters."""
        return sum(max(1, -(-len(line) // max(int(room), 1))) for line in self.lines)


class _Table:
    def __init__(self, insert_at: int):
        self.insert_at = insert_at
        self.rows: list[list[_Cell]] = []
        self.row_starts: list[int] = []  # where each row's <tr> is in the output
        self.row: list[_Cell] | None = None
        self.row_start = 0
        self.cell: _Cell | None = None
        self.has_columns = False
        self.caption = ""
        self.in_caption = False
        self.unbroken = 0  # depth of elements whose text does not wrap (tags)

    def placed(self) -> list[list[tuple[int, _Cell]]]:
        """Each row's cells with the column each starts in, after the cells above that span
        down into the row."""
        placed = []
        spanned: dict[int, int] = {}  # column -> rows a cell above still covers
        for row in self.rows:
            column, cells = 0, []
            for cell in row:
                while spanned.get(column):
                    column += 1
                cells.append((column, cell))
                for covered in range(column, column + cell.colspan):
                    spanned[covered] = cell.rowspan
                column += cell.colspan
            placed.append(cells)
            spanned = {c: rows - 1 for c, rows in spanned.items() if rows > 1}
        return placed

    def _extremes(self) -> tuple[list[float], list[float]]:
        """Each column's narrowest and widest content, in characters."""
        placed = self.placed()
        count = max((column + cell.colspan for cells in placed for column, cell in cells), default=0)
        narrowest, widest = [1.0] * count, [1.0] * count
        for cells in placed:
            for column, cell in cells:
                if cell.colspan == 1:
                    low, high = cell.widths()
                    narrowest[column] = max(narrowest[column], low)
                    widest[column] = max(widest[column], high)
        return narrowest, widest

    def column_widths(self) -> list[float]:
        """Percentages, as CSS 2.1's automatic layout shares a table's width: each column
        its widest content if all fit, its narrowest if even that does not, and in between
        the narrowest plus a share of the rest in proportion to what more it could use."""
        narrowest, widest = self._extremes()
        low_total, high_total = sum(narrowest), sum(widest)
        if high_total <= TABLE_CHARACTERS:
            widths = widest
        elif low_total >= TABLE_CHARACTERS:
            widths = narrowest
        else:
            share = (TABLE_CHARACTERS - low_total) / (high_total - low_total)
            widths = [low + (high - low) * share for low, high in zip(narrowest, widest, strict=True)]
        total = sum(widths) or 1
        return [100 * w / total for w in widths]

    def colgroup(self) -> str:
        widths = self.column_widths()
        if not widths:
            return ""
        cols = "".join(f'<col style="width: {w:.2f}%">' for w in widths)
        return f"<colgroup>{cols}</colgroup>"

    def width(self) -> float | None:
        """A narrower width (a percentage of the page) for a table whose widest content needs
        well under the page's width, so that its figures sit by their labels; None for the
        full width."""
        # The caption is as wide as the table: it is set larger and bold, and should not wrap.
        needed = max(sum(self._extremes()[1]), len(" ".join(self.caption.split())) * CAPTION)
        if not self.rows:
            return None
        return max(40.0, 115 * needed / TABLE_CHARACTERS) if needed < 0.5 * TABLE_CHARACTERS else None

    def is_short(self) -> bool:
        """Whether the table is two fifths of a page or less, with its columns as wide as
        `column_widths` makes them: such a table is not worth splitting across pages."""
        if len(self.rows) > SHORT_TABLE_LINES:
            return False
        return sum(lines + ROW_LINES for lines in self.row_lines()) <= SHORT_TABLE_LINES

    def row_lines(self) -> list[int]:
        """Each row's lines of text, its tallest cell's, with the columns as wide as
        `column_widths` makes them."""
        widths = self.column_widths()
        return [
            max(
                (
                    cell.lines_in(
                        sum(widths[column : column + cell.colspan]) * TABLE_CHARACTERS / 100 - CELL_PADDING
                    )
                    for column, cell in cells
                ),
                default=1,
            )
            for cells in self.placed()
        ]

    def tall_rows(self) -> list[int]:
        """Where the rows that may split across pages start."""
        return [
            start
            for start, lines in zip(self.row_starts, self.row_lines(), strict=True)
            if lines > TALL_ROW_LINES
        ]


def _keep_hyphenated_words_whole(text: str) -> str:
    def whole(match: re.Match) -> str:
        word = match.group(0)
        return word if len(word) > LONGEST_UNBROKEN else f'<span class="app-nowrap">{word}</span>'

    return HYPHENATED.sub(whole, text)


def prepare(document: str) -> str:
    """The paper's HTML with a <colgroup> in every table that has none, and hyphenated words
    kept whole. The HTML is the paper template's own output: escaped text, quoted attributes."""
    out: list[str] = []
    length = 0  # of the output so far
    inserts: list[tuple[int, str]] = []
    tables: list[_Table] = []
    table_starts: list[int] = []
    raw = None
    in_body = False
    for match in TOKEN.finditer(document):
        closing, tag, attrs, text = match.groups()
        if tag is None and text is None:  # a comment or the doctype: kept as it is
            out.append(match.group(0))
            length += len(match.group(0))
            continue
        if text is not None:
            if raw is None and in_body:
                cell = tables[-1].cell if tables else None
                if tables and tables[-1].in_caption:
                    tables[-1].caption += html.unescape(text)
                if cell is not None:
                    words = html.unescape(text)
                    cell.add(words.replace(" ", "\xa0") if tables[-1].unbroken else words)
                text = _keep_hyphenated_words_whole(text)
            out.append(text)
            length += len(text)
            continue
        out.append(match.group(0))
        length += len(match.group(0))
        tag = tag.lower()
        if raw is not None:
            if closing and tag == raw:
                raw = None
            continue
        if tag in RAW_TEXT and not closing:
            raw = tag
            continue
        if tag == "body":
            in_body = not closing
            continue
        table: _Table | None = tables[-1] if tables else None
        if tag == "table":
            if not closing:
                tables.append(_Table(length))
                table_starts.append(length - len(match.group(0)))
            elif table is not None:
                tables.pop()
                start = table_starts.pop()
                if not table.has_columns:
                    inserts.append((table.insert_at, table.colgroup()))
                inserts += [(start + len("<tr"), " data-tall") for start in table.tall_rows()]
                attributes = ' data-short="true"' if table.is_short() else ""
                width = table.width()
                if width is not None:
                    attributes += f' style="width: {width:.0f}%"'
                if attributes:
                    inserts.append((start + len("<table"), attributes))
        elif table is None:
            continue
        elif tag == "caption":
            table.in_caption = not closing and "visually-hidden" not in attrs
            if closing:
                table.insert_at = length
        elif tag in ("colgroup", "col"):
            table.has_columns = True
        elif tag == "tr":
            if closing and table.row is not None:
                table.rows.append(table.row)
                table.row_starts.append(table.row_start)
                if len(table.row) == 1 and table.row[0].group_heading:
                    inserts.append((table.row_start + len("<tr"), " data-group-heading"))
                table.row = None
            elif not closing:
                table.row = []
                table.row_start = length - len(match.group(0))
        elif tag in ("td", "th"):
            if not closing:
                colspan, rowspan = COLSPAN.search(attrs), ROWSPAN.search(attrs)
                table.cell = _Cell(
                    int(colspan.group(1)) if colspan else 1,
                    int(rowspan.group(1)) if rowspan else 1,
                    bold=tag == "th",
                )
                table.cell.group_heading = tag == "th" and 'scope="colgroup"' in attrs
            elif table.cell is not None and table.row is not None:
                table.row.append(table.cell)
                table.cell = None
        elif table.cell is not None:
            if tag in LINE_BREAKING:
                table.cell.new_line()
            elif not closing and ("govuk-tag" in attrs or "app-nowrap" in attrs):
                table.unbroken += 1
            elif closing and table.unbroken and tag in ("strong", "span"):
                table.unbroken -= 1
    result = "".join(out)
    parts, start = [], 0
    for at, colgroup in sorted(inserts):
        parts += [result[start:at], colgroup]
        start = at
    return "".join([*parts, result[start:]])
