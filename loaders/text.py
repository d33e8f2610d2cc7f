"""Text tables that may be damaged: the encoding, the lines, and CSV records that recover from bad ones.

A CSV file is read in bytes, one physical line at a time (``\\n``, ``\\r\\n`` or ``\\r``), each line
decoded on its own, so one line in another encoding is refused with its line and exact byte offset
instead of stopping the file. No line is held longer than :data:`MAX_LINE_BYTES`.

Records are parsed by the ``csv`` module in strict mode. When a record goes wrong (a quote never
closed, a quoted field running on for more than :data:`MAX_RECORD_LINES` lines, a field over the csv
module's limit, bad quoting, a multi-line record with the wrong number of cells) the record's first
line is refused with the reason and parsing starts again on the line after it: an unterminated quote
costs one row, not the rest of the file.
"""

from __future__ import annotations

import codecs
import csv
import re
from collections import deque
from collections.abc import Iterator
from operator import itemgetter
from pathlib import Path
from typing import BinaryIO

from chengxin.graph.errors import InvalidInput

SAMPLE_BYTES = 1 << 20
#: A physical line longer than this is refused without being held in memory (a runaway field).
MAX_LINE_BYTES = 1 << 20
#: A quoted field may run over this many lines; past it, the quote is taken to be unterminated.
MAX_RECORD_LINES = 200
#: The csv module's own limit on one field (characters), left at its default.
FIELD_LIMIT = csv.field_size_limit()

_EOL = re.compile(rb"\r\n|\r|\n")
_CHUNK = 1 << 16


class Line(tuple):
    """``Line((no, offset, text, error, raw))``: the 1-based physical line number; the byte offset of its first
    byte in the file; the text, decoded, with its line ending (None when it could not be); why not; the line's
    bytes (the first MAX_LINE_BYTES of an overlong one). A tuple: made in C, once a line (a dataclass's
    ``__init__`` is a Python call)."""

    __slots__ = ()
    no = property(itemgetter(0))
    offset = property(itemgetter(1))
    text = property(itemgetter(2))
    error = property(itemgetter(3))
    raw = property(itemgetter(4))


def physical_lines(f: BinaryIO) -> Iterator[tuple[int, bytes, int]]:
    """``(offset, bytes, length)`` of each line, with its ending. A line longer than
    :data:`MAX_LINE_BYTES` comes as its head (at least MAX_LINE_BYTES bytes) and its full length;
    the rest is read past, never kept."""
    pos, rest = 0, b""  # pos: the file offset of rest[0]; rest: a line not known to be finished yet
    long_line: list | None = None  # [offset, head, length so far] of an overlong line being read past
    ended = False  # the overlong line ended on \r: only a \n starting the next chunk may still belong to it
    while True:
        chunk = f.read(_CHUNK)
        if not chunk:
            break
        if long_line is not None and ended:
            if chunk.startswith(b"\n"):
                long_line[2] += 1
                pos, chunk = pos + 1, chunk[1:]
            yield tuple(long_line)
            long_line, ended = None, False
        elif long_line is not None:
            m = _EOL.search(chunk)
            if m is None:
                long_line[2] += len(chunk)
                pos += len(chunk)
                continue
            long_line[2] += m.end()
            pos, chunk = pos + m.end(), chunk[m.end():]
            if m.group() == b"\r" and not chunk:
                ended = True
                continue
            yield tuple(long_line)
            long_line = None
        lines = (rest + chunk).splitlines(keepends=True)  # bytes: split on \n, \r\n and \r only
        # the last line may go on in the next chunk (no ending yet, or a \r a \n may follow)
        rest = lines.pop() if lines and not lines[-1].endswith(b"\n") else b""
        for line in lines:
            yield pos, line, len(line)
            pos += len(line)
        if len(rest) > MAX_LINE_BYTES:
            long_line, ended = [pos, rest[:MAX_LINE_BYTES], len(rest)], rest.endswith(b"\r")
            pos, rest = pos + len(rest), b""
    if long_line is not None:
        yield tuple(long_line)
    elif rest:
        yield pos, rest, len(rest)


def _label(encoding: str) -> str:
    return {"utf-8": "UTF-8", "utf-8-sig": "UTF-8", "gb18030": "GB18030"}.get(encoding, encoding)


def detect_encoding(source, name: str | None = None) -> str:
    """The encoding of ``source`` (a path, or a binary file read from its start and put back), judged
    line by line on its first megabyte: UTF-8 when most lines with non-ASCII text are UTF-8 (the others
    are refused one by one when read), else GB18030 when it reads more of them, else what
    charset-normalizer finds."""
    if hasattr(source, "read"):
        sample = source.read(SAMPLE_BYTES)
        source.seek(0)
    else:
        name = name or Path(source).name
        with open(source, "rb") as f:
            sample = f.read(SAMPLE_BYTES)
    name = name or "the file"
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise InvalidInput(f"{name}: UTF-16 text (Excel's 'Unicode text'); save it as CSV UTF-8 or GB18030")
    if len(sample) == SAMPLE_BYTES and b"\n" in sample:
        sample = sample[:sample.rindex(b"\n") + 1]  # no character cut in two at the end
    wide = [line for line in sample.splitlines() if not line.isascii()]
    if not wide or _decodes(sample, "utf-8"):  # the whole sample reads as UTF-8: so does every line of it
        return "utf-8"
    bad = {enc: sum(1 for line in wide if not _decodes(line, enc)) for enc in ("utf-8", "gb18030")}
    if bad["utf-8"] * 2 <= len(wide):
        return "utf-8"
    if bad["gb18030"] < bad["utf-8"]:
        return "gb18030"
    from charset_normalizer import from_bytes

    best = from_bytes(sample).best()
    if best is None:
        first = next(i for i, line in enumerate(sample.splitlines(), 1) if not _decodes(line, "utf-8"))
        raise InvalidInput(f"{name}: cannot tell the text encoding: most lines with Chinese text are neither "
                           f"UTF-8 nor GB18030 (the first is line {first})")
    return best.encoding


def _decodes(line: bytes, encoding: str) -> bool:
    try:
        line.decode(encoding)
        return True
    except UnicodeDecodeError:
        return False


def decoded_lines(f: BinaryIO, encoding: str) -> Iterator[Line]:
    """Each physical line decoded on its own; a line that cannot be, or is too long, carries the reason."""
    codec = "utf-8" if encoding == "utf-8-sig" else encoding
    name = _label(encoding)
    for no, (offset, raw, length) in enumerate(physical_lines(f), start=1):
        if length > MAX_LINE_BYTES:
            yield Line((no, offset, None, f"line {no} is {length:,} bytes long (at most {MAX_LINE_BYTES:,}): "
                                          f"a runaway field, or not a text table", raw[:200]))
            continue
        if no == 1 and raw.startswith(codecs.BOM_UTF8):
            raw, offset = raw[3:], offset + 3
        try:
            text = raw.decode(codec)
        except UnicodeDecodeError as e:
            other = "GB18030/GBK" if codec == "utf-8" else "UTF-8"
            hint = f" (it reads as {other}: the file's encoding changes here)" if _decodes(
                raw, "gb18030" if codec == "utf-8" else "utf-8") else ""
            yield Line((no, offset, None, f"not valid {name} at byte {offset + e.start:,} of the file "
                                          f"(line {no}, byte {e.start + 1} of the line){hint}", raw))
            continue
        if codec == "gb18030" and not raw.isascii() and _decodes(raw, "utf-8"):
            yield Line((no, offset, None, f"line {no} is UTF-8 inside a GB18030 file (the file's encoding changes "
                                          "here): not loaded, it would read as mojibake", raw))
            continue
        yield Line((no, offset, text, None, raw))


class _Broken(Exception):
    """The record being parsed cannot be finished (raised from inside the csv reader's line feed)."""


class _Feed:
    """The lines the csv reader pulls, one record at a time. Lines that cannot be decoded are kept out
    of records; the lines of a failed record after its first can be given back to be read again."""

    def __init__(self, lines: Iterator[Line]):
        self.source = lines
        self.back: deque[Line] = deque()
        self.taken: list[Line] = []
        self.refused: list[Line] = []  # undecodable lines met between records

    def __iter__(self):
        return self

    def __next__(self) -> str:
        while True:
            line = self.back.popleft() if self.back else next(self.source)
            text = line[2]  # line.text
            if text is None:
                if not self.taken:
                    self.refused.append(line)
                    continue
                self.back.appendleft(line)
                raise _Broken(f"a quoted field opened here runs on into line {line.no}, which cannot be read "
                              "(unterminated quote?)")
            self.taken.append(line)
            if len(self.taken) > MAX_RECORD_LINES:
                raise _Broken(f"a quoted field opened here is still open {MAX_RECORD_LINES} lines later "
                              "(unterminated quote?)")
            return text


class Record(tuple):
    """``Record((line, values, error, raw))``: the record's first line; its cells (None: refused, see error);
    why it is refused; the refused line's text, for the rejects file. A tuple, as :class:`Line` is."""

    __slots__ = ()
    line = property(itemgetter(0))
    values = property(itemgetter(1))
    error = property(itemgetter(2))
    raw = property(itemgetter(3))


def _csv_reason(message: str) -> str:
    if "unexpected end of data" in message:
        return "a quote opened on this line is never closed (unterminated quote): the rest of the file would be one field"
    if "field larger than field limit" in message:
        return f"a field longer than {FIELD_LIMIT:,} characters (a runaway quoted field?)"
    if "expected after" in message:
        return f"bad quoting ({message}): a quote inside a quoted field must be doubled"
    return f"cannot be parsed as CSV ({message})"


class CsvRecords:
    """The records of a CSV file, recovering after each bad one. Set :attr:`width` (the header's
    number of columns) once the header is read: a record over several lines with another number of
    cells is then taken for an unterminated quote that swallowed the lines after it."""

    def __init__(self, lines: Iterator[Line]):
        self.feed = _Feed(lines)
        self.width: int | None = None
        self.blank = 0  # lines with no cells, skipped

    def __iter__(self) -> Iterator[Record]:
        feed = self.feed
        reader = csv.reader(feed, strict=True)
        while True:
            feed.taken = []
            error = None
            try:
                values = next(reader)
            except StopIteration:
                values = None
            except (csv.Error, _Broken) as e:
                error = str(e) if isinstance(e, _Broken) else _csv_reason(str(e))
                values = None
            if feed.refused:
                for line in feed.refused:
                    yield Record((line.no, None, line.error, _head(line)))
                feed.refused = []
            taken = feed.taken
            if values is None and error is None:
                return
            if error is None and len(taken) > 1 and self.width is not None:
                error = self._swallowed(taken, values)
            if error is not None:
                if not taken:  # nothing was read for this record
                    continue
                feed.back.extendleft(reversed(taken[1:]))  # read again from the line after the first
                yield Record((taken[0].no, None, error, _head(taken[0])))
                reader = csv.reader(feed, strict=True)
                continue
            if not "".join(values).strip():  # no cell holds anything but spaces
                self.blank += len(taken)
                continue
            yield Record((taken[0][0], values, None, ""))


    def _swallowed(self, taken: list[Line], values: list[str]) -> str | None:
        """Why a record over several lines looks like an unterminated quote that swallowed the lines
        after it: it has the wrong number of cells, or lines inside its quoted field read as rows of
        their own (each with the header's number of cells)."""
        if len(values) != self.width:
            return (f"a quoted field opened here runs over {len(taken)} lines and leaves {len(values)} cells "
                    f"for {self.width} columns (unterminated quote?)")
        if self.width > 1:
            inner = [line.no for line in taken[1:-1] if _cells(line.text) == self.width]
            if inner:
                return (f"a quoted field opened here runs over {len(taken)} lines, and line {inner[0]} inside it "
                        f"reads as a row of its own (unterminated quote?)")
        return None


def _cells(text: str) -> int:
    try:
        return len(next(csv.reader([text.rstrip("\r\n")]), []))
    except csv.Error:
        return -1


def _head(line: Line) -> str:
    if line.text is not None:
        return line.text.rstrip("\r\n")[:2000]
    return line.raw[:2000].decode("utf-8", errors="replace").rstrip("\r\n")
