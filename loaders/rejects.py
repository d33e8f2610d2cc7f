"""The rejects file of a load: each refused row with its file, line and reason, kept private and small.

- Private: the file is created new (never over another run's) with mode 0600 in a folder of mode
  0700, and every reason and cell goes through :func:`graph.privacy.mask_text`, so an ID-card number
  in a refused row is written as ``3601************34``.
- Small: at most :data:`PER_REASON` rows of one kind of reason and :data:`MAX_ROWS` in all are
  written, each cell cut at :data:`CELL_CHARS`; the rows past the cap are counted per reason and the
  counts written at the end (and given in the load report).
- A rejects file that cannot be written (a full disk) stops the load: :class:`graph.errors.LoadAborted`.
"""

from __future__ import annotations

import csv
import json
import os
import re
from collections import Counter
from pathlib import Path

from chengxin.graph.errors import LoadAborted
from chengxin.graph.privacy import mask_text

PER_REASON = 1000
MAX_ROWS = 50_000
CELL_CHARS = 1000
ROW_CHARS = 20_000
_FLUSH_EVERY = 200

_VALUES = re.compile(r"'[^']*'|\"[^\"]*\"|\b\d[\d,.:-]*\b|\b(?<=got |.be )[0-9A-Z]\b")


def private_file(path: Path):
    """``path`` opened for writing text, mode 0600, in a folder made 0700 (staging copies of a
    dataset, like rejects files, may hold what the graph only keeps masked)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(path.parent, 0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    return os.fdopen(fd, "w", encoding="utf-8")


def reason_kind(reason: str) -> str:
    """The reason without its values: rows refused for the same rule count as one kind."""
    return _VALUES.sub("…", reason)[:300]


def _cut(value, limit: int = CELL_CHARS):
    """``value`` with every string masked, then cut to ``limit`` (masked first: a cut must not leave
    17 digits of an 18-digit number unmasked)."""
    if isinstance(value, str):
        value = mask_text(value)
        return value if len(value) <= limit else value[:limit] + f"…(+{len(value) - limit:,} characters)"
    if isinstance(value, list):
        return [_cut(v) for v in value[:200]]
    if isinstance(value, dict):
        return {_cut(str(k), 200): _cut(v) for k, v in list(value.items())[:200]}
    return value


class Rejects:
    """The rejects file (``file, line, reason, row``: the row as JSON of its cells), opened on the first
    row refused."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.count = 0  # rows refused
        self.written = 0  # rows written to the file
        self.kinds: Counter[str] = Counter()
        self.unwritten: Counter[tuple[str, str]] = Counter()  # (file, kind) -> rows past the cap
        self._f = None

    def _open(self) -> None:
        folder = self.path.parent
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(folder, 0o700)
        stem, n = self.path.stem, 1
        while True:
            try:
                fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                break
            except FileExistsError:  # another run in the same second: never write over its file
                n += 1
                self.path = folder / f"{stem}-{n}{self.path.suffix}"
        self._f = os.fdopen(fd, "w", encoding="utf-8-sig", newline="")
        self._w = csv.writer(self._f)
        self._w.writerow(["file", "line", "reason", "row"])

    def add(self, file: str, line: int | None, reason: str, row) -> None:
        kind = reason_kind(reason)
        self.count += 1
        self.kinds[kind] += 1
        if self.kinds[kind] > PER_REASON or self.written >= MAX_ROWS:
            self.unwritten[(file, kind)] += 1
            return
        cells = _cut(row, ROW_CHARS) if isinstance(row, str) else json.dumps(_cut(row), ensure_ascii=False, default=str)
        self._write([file, "" if line is None else line, _cut(reason, ROW_CHARS), mask_text(cells)])
        self.written += 1

    def _write(self, fields: list) -> None:
        try:
            if self._f is None:
                self._open()
            self._w.writerow(fields)
            if self.written % _FLUSH_EVERY == 0:
                self._f.flush()
        except OSError as e:
            raise LoadAborted(f"cannot write the rejects file {self.path}: {e.strerror or e} (a full disk?)") from e

    def close(self) -> None:
        """Write the counts of the rows past the cap, then close (a failure to: LoadAborted)."""
        try:
            for (file, kind), n in sorted(self.unwritten.items()):
                self._write([file, "", mask_text(f"{n:,} more rows refused for: {kind} (not written: at most "
                                                 f"{PER_REASON:,} rows a reason, {MAX_ROWS:,} in all)"), ""])
            self.unwritten.clear()
        finally:
            if self._f is not None:
                f, self._f = self._f, None
                try:
                    f.close()
                except OSError as e:
                    raise LoadAborted(f"cannot write the rejects file {self.path}: {e.strerror or e} "
                                      "(a full disk?)") from e
