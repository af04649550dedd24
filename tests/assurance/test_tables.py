"""Reading the tables people upload (assurance.tables): a hostile or broken file is refused in
words before it is parsed whole, in bounded memory; cells are read as people write them."""

import datetime
import io
import tracemalloc
import zipfile

import openpyxl
import pytest

from assurance import tables
from assurance.tables import LIMITS, CellError, TableError, parse_date, parse_one_of, parse_rag, read_rows
from tests.factories import make_xlsx


def rezip(content: bytes, change) -> bytes:
    """The workbook with its parts changed: change(name, data) -> data, or None to leave it out."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = change(info.filename, source.read(info.filename))
            if data is not None:
                target.writestr(info.filename, data)
    return out.getvalue()


@pytest.fixture
def parsing_forbidden(monkeypatch):
    """Fails the test if the workbook reaches the XML parser."""

    def refuse(*args, **kwargs):
        raise AssertionError("the workbook was parsed")

    monkeypatch.setattr(tables, "load_workbook", refuse)


def refused(content: bytes, name: str) -> str:
    tracemalloc.start()
    try:
        with pytest.raises(TableError) as error:
            read_rows(content, name)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 40 * 1024 * 1024, f"reading took {peak // 1024 // 1024} MiB"
    return str(error.value)


def test_a_workbook_that_unpacks_to_more_than_the_limit_is_refused_unread(parsing_forbidden):
    bomb = rezip(
        make_xlsx([["ref"]]),
        lambda name, data: b" " * (LIMITS.max_unpacked_bytes + 1) if name.endswith("sheet1.xml") else data,
    )
    assert len(bomb) < 200 * 1024  # a small file...
    assert "unpacks to 25 MB" in refused(bomb, "bomb.xlsx")  # ...refused before it is unpacked


def test_a_workbook_with_an_entity_declaration_is_refused_unread(parsing_forbidden):
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + b"".join(b'<!ENTITY lol%d "&lol%d;&lol%d;">' % (i, i - 1, i - 1) for i in range(1, 30))
        + b']><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row><c t="inlineStr"><is><t>&lol29;</t></is></c></row></sheetData></worksheet>'
    )
    bomb = rezip(make_xlsx([["ref"]]), lambda name, data: laughs if name.endswith("sheet1.xml") else data)
    assert "document type declaration" in refused(bomb, "laughs.xlsx")


def test_a_sheet_with_twenty_thousand_columns_is_refused():
    cells = "".join(f'<c t="inlineStr"><is><t>c{i}</t></is></c>' for i in range(20_000))
    sheet = (
        '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData><row>{cells}</row><row>{cells}</row></sheetData></worksheet>"
    ).encode()
    wide = rezip(make_xlsx([["ref"]]), lambda name, data: sheet if name.endswith("sheet1.xml") else data)
    assert len(wide) < 2 * 1024 * 1024
    message = refused(wide, "wide.xlsx")
    assert "columns: a table may have at most 60" in message


def test_a_workbook_without_a_worksheet_is_refused():
    def drop_sheets(name: str, data: bytes):
        if name.startswith("xl/worksheets/"):
            return None
        if name == "xl/workbook.xml":
            start, end = data.index(b"<sheets>"), data.index(b"</sheets>") + len(b"</sheets>")
            return data[:start] + data[end:]
        return data

    message = refused(rezip(make_xlsx([["ref"]]), drop_sheets), "empty.xlsx")
    assert message in ("The workbook has no worksheet", "The file is not a valid Excel (.xlsx) workbook")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("ref,text\n1.1,£5 a head\n".encode("cp1252"), "must be saved as UTF-8 text"),
        ("ref,text\n1.1,Words\n".encode("utf-16"), "this one is UTF-16"),
        (b"ref,text\n1.1,Wo\x00rds\n", "not a CSV text file"),
        (b"ref,text\n" + b'1.1,"' + b"x" * 200_000 + b'"\n', "could not be read"),
        (b"a," * 200 + b"b\n", "a table may have at most 60"),
        (b"ref\n" + b"1\n" * (LIMITS.max_rows + 1), f"more than {LIMITS.max_rows} rows"),
        (b"x" * (LIMITS.max_bytes + 1), "smaller than 2 MB"),
    ],
)
def test_a_broken_csv_is_refused_in_words(content, message):
    assert message in refused(content, "table.csv")


def test_a_csv_with_a_byte_order_mark_reads_as_its_header_says():
    assert read_rows("\ufeffref,text\n1.1,Words\n".encode(), "t.csv") == [["ref", "text"], ["1.1", "Words"]]


def test_empty_rows_and_trailing_empty_cells_of_a_workbook_are_left_out():
    content = make_xlsx([["ref", "text", None], [None, None], ["1.1", datetime.datetime(2016, 12, 7), 3.0]])
    assert read_rows(content, "t.xlsx") == [["ref", "text"], ["1.1", "2016-12-07", "3"]]


def test_only_csv_and_excel_files_are_read():
    assert "must be a CSV (.csv) or Excel (.xlsx) file" in refused(b"%PDF-1.4", "plan.pdf")


@pytest.mark.parametrize(
    "text",
    [
        "15/10/2015",
        "15/10/15",
        "15 Oct 2015",
        "15 October 2015",
        "15th October 2015",
        "2015-10-15",
        "15.10.2015",
    ],
)
def test_dates_are_read_as_people_write_them(text):
    assert parse_date(text) == datetime.date(2015, 10, 15)


def test_a_date_that_is_not_one_says_how_to_write_it():
    with pytest.raises(CellError, match="not a date such as 15/10/2015"):
        parse_date("next Tuesday")
    with pytest.raises(CellError):
        parse_date("31/02/2016")


@pytest.mark.parametrize(
    ("text", "rag"), [("R", "red"), ("a", "amber"), ("Green", "green"), ("not rated", "not_rated")]
)
def test_a_rag_is_read_as_a_letter_or_a_word(text, rag):
    assert parse_rag(text) == rag


def test_a_parent_is_chosen_by_its_number_or_its_name():
    parse = parse_one_of({"1": 10, "Victims and survivors": 10, "2": 20}, what="objective", listed=["1", "2"])
    assert parse("victims and SURVIVORS") == parse(" 1 ") == 10
    with pytest.raises(CellError, match=r"No objective 7 \(it has 1, 2\)"):
        parse("7")


def test_exports_neutralise_what_imports_refuse():
    for text in ("=1+1", "+A1", "-2+3", "@SUM(A1)", "\t=1"):
        assert tables.neutralise(text).startswith("'")
        value, quoted = tables.unneutralised(tables.neutralise(text))
        assert (value, quoted) == (text, True) and tables.cell_problem(value, quoted=True) is None
        assert tables.cell_problem(text.strip()) == "A formula is not allowed: type the value itself"
    assert tables.neutralise("- Review (Q2) of training") == "'- Review (Q2) of training"
    assert tables.cell_problem("- Review (Q2) of training") is None
    assert openpyxl  # the workbook writer and reader are the real ones
