"""Reading the CSV files schools and police forces send: UTF-8 text (a spreadsheet's
byte-order mark allowed), blank rows skipped, and a header naming exactly the expected
columns. Every error names the line or the columns at fault."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence


def decode(data: bytes | str, error: type[ValueError]) -> str:
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise error(
            "the file is not UTF-8 text: export it as 'CSV UTF-8' and send it again"
        ) from exc


def records(text: str, error: type[ValueError]) -> Iterator[tuple[int, list[str]]]:
    """Yield (first line number, fields) for each non-blank CSV record."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    next_line = 1
    try:
        for values in reader:
            line, next_line = next_line, reader.line_num + 1
            # Spreadsheets pad the end of a sheet with empty rows; they carry nothing.
            if any(value.strip() for value in values):
                yield line, values
    except csv.Error as exc:
        raise error(f"line {next_line}: the file is not valid CSV ({exc})") from exc


def header_columns(
    records_: Iterator[tuple[int, list[str]]],
    expected: Sequence[str],
    error: type[ValueError],
    optional: Sequence[str] = (),
) -> list[str]:
    """Read the header: exactly the expected columns, in any order and case, and any of
    the `optional` ones.

    An unknown column is refused rather than ignored: it may hold safeguarding
    information that would otherwise be silently dropped."""
    header = next(records_, None)
    if header is None:
        raise error("the file is empty: expected a header row")
    columns = [name.strip().lower() for name in header[1]]
    missing = [name for name in expected if name not in columns]
    unexpected = [name for name in columns if name not in expected and name not in optional]
    duplicated = sorted({name for name in columns if columns.count(name) > 1})
    problems = []
    if missing:
        problems.append("missing columns: " + ", ".join(missing))
    if unexpected:
        problems.append("unexpected columns: " + ", ".join(repr(name) for name in unexpected))
    if duplicated:
        problems.append("repeated columns: " + ", ".join(duplicated))
    if problems:
        allowed = ",".join(expected) + "".join(f" (and optionally {name})" for name in optional)
        raise error("the header must be exactly " + allowed + " (" + "; ".join(problems) + ")")
    return columns
