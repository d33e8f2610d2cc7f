"""The first guard of the console: a check of the query's tokens, as Cypher reads them.

The text is split into tokens the way Cypher's lexer does (strings with backslash escapes,
`` `quoted names` `` with doubled backticks, ``//`` and ``/* */`` comments, ``$parameters``), and
then refused, with the clause and its position named, when it holds:

- a clause that writes or administers (CREATE, MERGE, SET, DELETE, REMOVE, DROP, FOREACH, INSERT,
  LOAD CSV, ``IN TRANSACTIONS``, USE, SHOW, ALTER, GRANT, START/STOP DATABASE, TERMINATE …);
- a procedure not on :data:`READ_PROCEDURES`, its name read as Cypher reads it: parts in backticks
  (`` `do.when` `` and `` `do`.`when` `` are both ``do.when``), comments and whitespace between the
  parts, any case;
- a function not on :data:`READ_FUNCTIONS` (Neo4j 5's built-in read functions): ArcadeDB registers
  functions of its own, some of which run Cypher or read files, so unknown names are refused rather
  than known bad ones;
- a private property by name (``id_number_hash``), or several statements in one string.

A lexer and a database can disagree on where a string or comment ends (a backslash that is or is
not an escape). The check therefore runs under each reading and refuses what either finds, so a
disagreement can only make it see more code, never less. It is one guard of a stack (see
graph.console): the database's own read-only user is the second, independent one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import QueryRejected
from .messages import N_, Message, msg
from .privacy import PRIVATE_PROPERTIES

WRITE_WORDS = frozenset({
    "CREATE", "MERGE", "SET", "DELETE", "DETACH", "NODETACH", "REMOVE", "DROP", "FOREACH", "INSERT", "LOAD",
})
ADMIN_WORDS = frozenset({
    "ALTER", "GRANT", "REVOKE", "DENY", "RENAME", "DEALLOCATE", "REALLOCATE", "TERMINATE", "USE", "SHOW",
    "ENABLE", "DRAIN", "TRANSACTIONS", "BEGIN", "COMMIT", "ROLLBACK", "IMPORT", "EXPORT", "BACKUP", "RESTORE",
    "CHECKPOINT",
})
#: Admin words that are only commands before one of these (``start`` alone may be a variable).
ADMIN_PAIRS = {"START": {"DATABASE", "SERVER"}, "STOP": {"DATABASE", "SERVER"}}

#: Procedures the console may CALL: schema introspection and full-text search. Nothing else.
READ_PROCEDURES = frozenset(
    name.lower()
    for name in (
        "db.labels", "db.relationshipTypes", "db.propertyKeys",
        "db.schema.visualization", "db.schema.nodeTypeProperties", "db.schema.relTypeProperties",
        "db.index.fulltext.queryNodes", "db.index.fulltext.queryRelationships",
    )
)

#: Neo4j 5's built-in functions that only compute (no file, no write, no nested Cypher).
READ_FUNCTIONS = frozenset(
    name.lower()
    for name in """
    avg collect count max min percentileCont percentileDisc stDev stDevP sum
    all any exists isEmpty none single
    char_length character_length coalesce elementId endNode head id last length nullIf properties
    randomUUID size startNode timestamp toBoolean toBooleanOrNull toFloat toFloatOrNull toInteger
    toIntegerOrNull type valueType
    keys labels nodes range reduce relationships reverse tail toBooleanList toFloatList toIntegerList
    toStringList
    abs ceil floor isNaN rand round sign e exp log log10 sqrt acos asin atan atan2 cos cot degrees
    haversin pi radians sin tan
    btrim left lower ltrim normalize replace right rtrim split substring toLower toString
    toStringOrNull toUpper trim upper
    date date.truncate date.statement date.transaction date.realtime
    datetime datetime.truncate datetime.fromepoch datetime.fromepochmillis datetime.statement
    datetime.transaction datetime.realtime
    localdatetime localdatetime.truncate localdatetime.statement localdatetime.transaction
    localdatetime.realtime localtime localtime.truncate localtime.statement localtime.transaction
    localtime.realtime time time.truncate time.statement time.transaction time.realtime
    duration duration.between duration.inDays duration.inMonths duration.inSeconds
    point point.distance point.withinBBox distance
    vector.similarity.cosine vector.similarity.euclidean
    shortestPath allShortestPaths
    apoc.text.join
    """.split()
)

#: Words that may stand right before "(" without being a function call.
_KEYWORDS_BEFORE_PAREN = frozenset("""
    MATCH OPTIONAL WHERE AND OR XOR NOT IN RETURN WITH UNWIND CASE WHEN THEN ELSE DISTINCT AS BY
    SKIP LIMIT OFFSET CONTAINS WITH STARTS ENDS IS YIELD UNION ALL CALL FILTER LET ORDER ASC DESC
    ASCENDING DESCENDING FINISH
""".split())

_LINE_END = "\n\r\u2028\u2029\u0085"
_NAME = re.compile(r"[^\W\d]\w*")
_NUMBER = re.compile(r"0[xX][0-9a-fA-F_]+|0o[0-7_]+|\d[\d_]*(?:\.\d+)?(?:[eE][+-]?\d+)?")


@dataclass(frozen=True)
class Token:
    kind: str  # name, quoted, string, param, number, punct, other
    text: str  # a name's text as Cypher sees it (backticks removed), else the source text
    pos: int


def tokens(text: str, *, backslash_escapes: bool = True) -> list[Token]:
    """Cypher's tokens, comments and whitespace dropped. ``backslash_escapes`` chooses the reading
    of ``\\'`` inside a string (Cypher's is True; the check also runs with False)."""
    out: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
        elif text.startswith("//", i):
            j = i + 2
            while j < n and text[j] not in _LINE_END:
                j += 1
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            i = n if j < 0 else j + 2
        elif c in "'\"":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if (backslash_escapes and text[j] == "\\") else 1
            out.append(Token("string", text[i : j + 1], i))
            i = j + 1
        elif c == "`":
            j, name = i + 1, []
            while j < n:
                if text[j] == "`":
                    if text.startswith("``", j):
                        name.append("`")
                        j += 2
                        continue
                    break
                name.append(text[j])
                j += 1
            out.append(Token("quoted", "".join(name), i))
            i = j + 1
        elif c == "$":
            j = i + 1
            if j < n and text[j] == "`":
                j = text.find("`", j + 1)
                j = n if j < 0 else j + 1
            else:
                m = _NAME.match(text, j) or _NUMBER.match(text, j)
                j = m.end() if m else j
            out.append(Token("param", text[i:j], i))
            i = j
        elif (m := _NAME.match(text, i)) is not None:
            out.append(Token("name", m.group(0), i))
            i = m.end()
        elif (m := _NUMBER.match(text, i)) is not None:
            out.append(Token("number", m.group(0), i))
            i = m.end()
        elif c in "(){}[].,;:|=<>+-*/%^!~&?":
            out.append(Token("punct", c, i))
            i += 1
        else:
            out.append(Token("other", c, i))
            i += 1
    return out


def _line_col(text: str, pos: int) -> Message:
    line = text.count("\n", 0, pos) + 1
    col = pos - (text.rfind("\n", 0, pos) + 1) + 1
    return msg(N_("line {line}, column {column}"), line=line, column=col)


def _refuse(text: str, pos: int, reason: Message) -> QueryRejected:
    return QueryRejected(msg(N_("refused: {reason} ({position})"), reason=reason, position=_line_col(text, pos)))


def _is_name(t: Token | None) -> bool:
    return t is not None and t.kind in ("name", "quoted")


def _dotted(toks: list[Token], k: int) -> tuple[str, int]:
    """The dotted name starting at ``toks[k]`` (parts quoted or not) and the index after it."""
    parts = [toks[k].text]
    k += 1
    while k + 1 < len(toks) and toks[k].text == "." and toks[k].kind == "punct" and _is_name(toks[k + 1]):
        parts.append(toks[k + 1].text)
        k += 2
    return ".".join(parts), k


def _is_clause_word(toks: list[Token], k: int) -> bool:
    """A bare word is a clause unless it is a property (``n.set``), a label or type (``:Set``),
    a parameter, or a map key (``{set: 1}``)."""
    prev = toks[k - 1] if k > 0 else None
    nxt = toks[k + 1] if k + 1 < len(toks) else None
    if prev is not None and prev.kind == "punct" and prev.text in ".:":
        return False
    return not (nxt is not None and nxt.kind == "punct" and nxt.text == ":")


def _check(text: str, toks: list[Token]) -> None:
    for k, t in enumerate(toks):
        if t.kind == "punct" and t.text == ";" and any(x.text != ";" for x in toks[k + 1 :]):
            raise _refuse(text, t.pos, msg(N_("several statements in one query")))
        if t.kind in ("name", "quoted") and t.text in PRIVATE_PROPERTIES:
            raise _refuse(text, t.pos, msg(N_("{name} is private and never shown"), name=t.text))
        if t.kind != "name":
            continue
        word = t.text.upper()
        if word in WRITE_WORDS or word in ADMIN_WORDS or word in ADMIN_PAIRS:
            if not _is_clause_word(toks, k):
                continue
            if word in ADMIN_PAIRS:
                nxt = toks[k + 1] if k + 1 < len(toks) else None
                if not (nxt is not None and nxt.kind == "name" and nxt.text.upper() in ADMIN_PAIRS[word]):
                    continue
            nxt = toks[k + 1].text.upper() if k + 1 < len(toks) else ""
            if word == "LOAD" and nxt == "CSV" or word in ADMIN_PAIRS:
                word = f"{word} {nxt}"
            elif word == "TRANSACTIONS":
                word = "IN TRANSACTIONS"
            raise _refuse(text, t.pos, msg(N_("{word} writes; the console is read-only") if word.split()[0] in WRITE_WORDS
                                           else N_("{word} is an administration command; the console is read-only"),
                                           word=word))
    k = 0
    while k < len(toks):
        t = toks[k]
        if t.kind == "name" and t.text.upper() == "CALL" and _is_clause_word(toks, k):
            nxt = toks[k + 1] if k + 1 < len(toks) else None
            if nxt is not None and nxt.kind == "punct" and nxt.text in "{(":
                k += 1  # a subquery
                continue
            if not _is_name(nxt):
                raise _refuse(text, t.pos, msg(N_("CALL must name a procedure or open a subquery")))
            name, after = _dotted(toks, k + 1)
            if name.lower() not in READ_PROCEDURES:
                raise _refuse(text, t.pos, msg(N_("procedure {name} is not on the console's read-only list (allowed: {allowed})"),
                                               name=name, allowed=", ".join(sorted(READ_PROCEDURES))))
            k = after
            continue
        if _is_name(t) and not (k > 0 and toks[k - 1].kind == "punct" and toks[k - 1].text in ".:$"):
            name, after = _dotted(toks, k)
            nxt = toks[after] if after < len(toks) else None
            if nxt is not None and nxt.kind == "punct" and nxt.text == "(":
                plain_keyword = t.kind == "name" and after == k + 1 and name.upper() in _KEYWORDS_BEFORE_PAREN
                if not plain_keyword and name.lower() not in READ_FUNCTIONS:
                    raise _refuse(text, t.pos, msg(N_("function {name} is not on the console's list of read-only functions"),
                                                   name=name))
            k = after
            continue
        k += 1


def check_read_only(text: str) -> None:
    """Raise :class:`QueryRejected` naming the first refused clause, procedure or function."""
    if not text or not text.strip():
        raise QueryRejected(msg(N_("empty query")))
    for escapes in (True, False):
        _check(text, tokens(text, backslash_escapes=escapes))
