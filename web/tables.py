"""Tables people can work with (Datasette's bar): sort by any column, filter, page with totals, CSV.

A view builds a :class:`Table` from its rows and the request's arguments, each prefixed with the
table's name so several tables share one page: ``<name>_sort`` (a column key, ``-`` first for
descending), ``<name>_q`` (text every shown cell is searched for), ``<name>_page`` (from 1) and
``<name>_size``. ``?csv=<name>`` answers the table as CSV instead of the page: every filtered and
sorted row, not only the page, with the cells a formula would be made of neutralised.

Rows are plain dicts already through the privacy filter (ID numbers masked): a table never sees
more than the page does. Templates draw a table with the ``table`` macro of ``_tables.html``; the
caller writes each ``<tr>`` so cells keep their links and marks. ``Table.as_data()`` is the table's
state for the JSON twin.

Where the rows are many (an authority's penalties), the view pages in the database and hands the
table one page and the total (:meth:`Table.paged`); sorting is then by the columns the query can
order by.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from flask import Response, request, url_for

from chengxin.graph.messages import Message

from . import i18n

#: Rows on one page unless ``<name>_size`` asks for another number (at most ``MAX_SIZE``).
PAGE_SIZE = 50
MAX_SIZE = 500
#: A spreadsheet reads a cell that starts with one of these as a formula (OWASP's CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,40}$")


@dataclass(frozen=True)
class Column:
    """One column: ``key`` in each row, its heading (a message), whether it sorts, and how its CSV
    cell is written (``csv``: a function of the row; by default the row's value at ``key``)."""
    key: str
    label: Message | str
    sortable: bool = True
    csv: Callable[[dict], Any] | None = None
    numeric: bool = False

    def value(self, row: dict):
        return self.csv(row) if self.csv else row.get(self.key)


def safe_cell(value) -> str | int | float:
    """A CSV cell that no spreadsheet runs: text starting with = + - @ (or a tab / return) gets a
    leading apostrophe; numbers stay numbers; dates print as ISO dates; lists are joined."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Message):
        value = i18n.say(value)
    if isinstance(value, (list, tuple)):
        value = "; ".join(str(safe_cell(v)) for v in value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def _sort_key(value):
    """Missing values last; numbers, dates and text each in their own order."""
    if value is None or value == "":
        return (2, 0, "")
    if isinstance(value, bool):
        return (0, 0, int(value))
    if isinstance(value, (int, float)):
        return (0, 0, value)
    if isinstance(value, (dt.date, dt.datetime)):
        return (0, 1, value.isoformat())
    return (1, 0, str(value))


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Message):
        return i18n.say(value)
    if isinstance(value, (list, tuple)):
        return " ".join(_text(v) for v in value)
    return str(value)


def _int_arg(args, name: str, default: int, low: int, high: int) -> int:
    try:
        return max(low, min(high, int(args.get(name, default))))
    except (TypeError, ValueError):
        return default


@dataclass
class Table:
    name: str
    columns: list[Column]
    rows: list[dict]               # the rows of the page shown
    total: int                     # rows before the filter (all the list has)
    filtered: int                  # rows after the filter
    page: int
    size: int
    sort: str | None
    q: str
    all_rows: list[dict] | None = field(default=None, repr=False)  # every filtered, sorted row (CSV)
    cap: int | None = None         # the list was cut at this many rows before it reached the table

    @classmethod
    def build(cls, name: str, columns: Iterable[Column], rows: list[dict], *, args=None, default_sort: str | None = None,
              size: int = PAGE_SIZE, total: int | None = None) -> "Table":
        """The table of ``rows`` (all of them, in memory) as the request's arguments sort, filter and page it.
        ``total``: how many the list really has when ``rows`` was cut before (a cap), said on the page."""
        assert _NAME.match(name), name
        columns = list(columns)
        args = request.args if args is None else args
        keys = {c.key: c for c in columns}
        sort = args.get(f"{name}_sort") or default_sort
        if sort and sort.lstrip("-") not in keys:
            sort = default_sort
        q = (args.get(f"{name}_q") or "").strip()[:200]
        out = list(rows)
        if q:
            needle = q.casefold()
            out = [r for r in out if any(needle in _text(c.value(r)).casefold() for c in columns)]
        if sort:
            col = keys[sort.lstrip("-")]
            desc = sort.startswith("-")
            present = [r for r in out if col.value(r) not in (None, "")]
            missing = [r for r in out if col.value(r) in (None, "")]
            present.sort(key=lambda r: _sort_key(col.value(r)), reverse=desc)
            out = present + missing  # missing values last either way
        size = _int_arg(args, f"{name}_size", size, 1, MAX_SIZE)
        pages = max(1, -(-len(out) // size))
        page = _int_arg(args, f"{name}_page", 1, 1, pages)
        shown = out[(page - 1) * size: page * size]
        cap = total if total is not None and total > len(rows) else None
        return cls(name, columns, shown, len(rows), len(out), page, size, sort, q, all_rows=out, cap=cap)

    @classmethod
    def paged(cls, name: str, columns: Iterable[Column], rows: list[dict], *, total: int, page: int, size: int,
              sort: str | None = None) -> "Table":
        """One page the database already cut (``page`` of ``size`` rows of ``total``): no filter, CSV of
        the page only unless the view answers ``?csv=`` itself."""
        return cls(name, list(columns), rows, total, total, page, size, sort, "", all_rows=None)

    @staticmethod
    def request_page(name: str, size: int = PAGE_SIZE, args=None) -> tuple[int, int]:
        """The page and size a database-paged table asks for (page from 1)."""
        args = request.args if args is None else args
        return _int_arg(args, f"{name}_page", 1, 1, 10 ** 9), _int_arg(args, f"{name}_size", size, 1, MAX_SIZE)

    # --- what the template and the JSON twin use ----------------------------------------------

    @property
    def pages(self) -> int:
        return max(1, -(-self.filtered // self.size))

    @property
    def first(self) -> int:
        return 0 if not self.filtered else (self.page - 1) * self.size + 1

    @property
    def last(self) -> int:
        return min(self.filtered, self.page * self.size)

    def url(self, **changes) -> str:
        """This page with the table's arguments changed (None removes one); other tables' kept."""
        args = request.args.to_dict(flat=False)
        for k, v in changes.items():
            full = k if k == "csv" else f"{self.name}_{k}"
            if v is None or v == "":
                args.pop(full, None)
            else:
                args[full] = [str(v)]
        if "page" not in changes and any(k in changes for k in ("q", "sort", "size")):
            args.pop(f"{self.name}_page", None)
        return url_for(request.endpoint, **(request.view_args or {}), **args) + f"#tbl-{self.name}"

    def sort_url(self, key: str) -> str:
        nxt = "-" + key if self.sort == key else key
        return self.url(sort=nxt)

    def sort_state(self, key: str) -> str | None:
        if self.sort == key:
            return "ascending"
        if self.sort == "-" + key:
            return "descending"
        return None

    def csv_url(self) -> str:
        return self.url(csv=self.name).split("#")[0]

    def hidden_args(self) -> list[tuple[str, str]]:
        """The request's other arguments, for the filter form to keep."""
        mine = {f"{self.name}_q", f"{self.name}_page", "csv"}
        return [(k, v) for k, vs in request.args.lists() if k not in mine for v in vs]

    def as_data(self) -> dict:
        return {"name": self.name, "total": self.total, "filtered": self.filtered, "page": self.page,
                "pages": self.pages, "size": self.size, "sort": self.sort, "q": self.q, "cap": self.cap,
                "columns": [{"key": c.key, "label": c.label} for c in self.columns]}

    def csv_response(self, filename: str | None = None) -> Response:
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow([i18n.say(c.label) for c in self.columns])
        for row in self.all_rows if self.all_rows is not None else self.rows:
            w.writerow([safe_cell(c.value(row)) for c in self.columns])
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", filename or self.name)[:80] or "table"
        return Response("\ufeff" + buf.getvalue(), mimetype="text/csv",
                        headers={"Content-Disposition": f'attachment; filename="{name}.csv"',
                                 "X-Content-Type-Options": "nosniff"})


def csv_requested(*tables: Table, filename: str | None = None) -> Response | None:
    """The CSV of the table ``?csv=`` names, or None (then the view answers with its page)."""
    wanted = request.args.get("csv")
    if not wanted:
        return None
    for t in tables:
        if t is not None and t.name == wanted:
            return t.csv_response(f"{filename}-{t.name}" if filename else t.name)
    return None


def col(key: str, label: Message | str, **kw) -> Column:
    return Column(key, label, **kw)
