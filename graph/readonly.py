"""The first guard of the console: a clause check on the query text, outside strings and comments.

It refuses, with the clause named, anything that writes or administers: CREATE, MERGE, SET,
DELETE, DETACH, REMOVE, DROP, LOAD CSV, FOREACH, ``CALL { … } IN TRANSACTIONS``, USE, admin
commands (ALTER, GRANT, REVOKE, DENY, START/STOP DATABASE, TERMINATE …), any procedure not on a
short read-only allowlist, and several statements in one string. Words inside string literals,
comments, backticked names, property names (``n.set``) and map keys (``{delete: 1}``) are not
clauses and pass.

This is one guard of a stack (graph.console adds the backend's own answers: EXPLAIN's query
type, a READ transaction that is always rolled back, a read-only user where configured); none
of them is trusted alone.
"""

from __future__ import annotations

import re

from cypher import strip_literals

from .errors import QueryRejected

WRITE_WORDS = ("CREATE", "MERGE", "SET", "DELETE", "DETACH", "REMOVE", "DROP", "FOREACH")
ADMIN_WORDS = ("ALTER", "GRANT", "REVOKE", "DENY", "RENAME", "DEALLOCATE", "REALLOCATE", "TERMINATE", "USE")
ADMIN_PHRASES = (
    r"LOAD\s+CSV",
    r"IN\s+TRANSACTIONS",
    r"(?:START|STOP|ENABLE|DRAIN)\s+(?:DATABASE|SERVER)",
)

#: Procedures the console may CALL: schema introspection and full-text search. Nothing else.
READ_PROCEDURES = frozenset(
    name.lower()
    for name in (
        "db.labels", "db.relationshipTypes", "db.propertyKeys",
        "db.schema.visualization", "db.schema.nodeTypeProperties", "db.schema.relTypeProperties",
        "db.index.fulltext.queryNodes", "db.index.fulltext.queryRelationships",
        "db.indexes", "db.constraints", "dbms.components",
    )
)

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_CALL = re.compile(r"\bCALL\s+([A-Za-z_][\w]*(?:\s*\.\s*[A-Za-z_]\w*)*)\s*(\(|$|\bYIELD\b)?", re.I)


def _is_clause(code: str, start: int, end: int) -> bool:
    """A keyword at [start, end) is a clause unless it is a property name (``n.set``), a map key
    (``{set: 1}``), a label or type (``:Set``) or a parameter (``$set``)."""
    before = code[:start].rstrip()
    if before.endswith((".", "$", ":")):
        return False
    after = code[end:].lstrip()
    if after.startswith(":") and not after.startswith("::"):
        return False
    return True


def _line_col(text: str, pos: int) -> str:
    line = text.count("\n", 0, pos) + 1
    col = pos - (text.rfind("\n", 0, pos) + 1) + 1
    return f"line {line}, column {col}"


def check_read_only(text: str) -> None:
    """Raise :class:`QueryRejected` naming the first refused clause; return if none."""
    if not text or not text.strip():
        raise QueryRejected("empty query / 查询为空")
    code = strip_literals(text)
    semi = code.find(";")
    if semi >= 0 and code[semi + 1 :].strip(" \t\r\n;"):
        raise QueryRejected(
            f"refused: several statements in one query ({_line_col(text, semi)}) / 拒绝：一次只能执行一条语句"
        )
    for phrase in ADMIN_PHRASES:
        m = re.search(rf"\b{phrase}\b", code, re.I)
        if m:
            clause = " ".join(m.group(0).upper().split())
            raise QueryRejected(
                f"refused: {clause} is not allowed in the read-only console ({_line_col(text, m.start())}) "
                f"/ 拒绝：只读控制台不允许 {clause}"
            )
    for m in _WORD.finditer(code):
        word = m.group(0).upper()
        if word in WRITE_WORDS or word in ADMIN_WORDS:
            if _is_clause(code, m.start(), m.end()):
                kind = "writes" if word in WRITE_WORDS else "is an administration command"
                raise QueryRejected(
                    f"refused: {word} {kind}; the console is read-only ({_line_col(text, m.start())}) "
                    f"/ 拒绝：{word} 会修改数据库，控制台只读"
                )
    for m in _CALL.finditer(code):
        name = re.sub(r"\s+", "", m.group(1))
        if not _is_clause(code, m.start(), m.start() + 4):
            continue
        if name.lower() in READ_PROCEDURES:
            continue
        raise QueryRejected(
            f"refused: procedure {name} is not on the console's read-only list ({_line_col(text, m.start())}; "
            f"allowed: {', '.join(sorted(READ_PROCEDURES))}) / 拒绝：不允许调用过程 {name}"
        )
