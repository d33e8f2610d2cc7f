"""Read-only query execution for analysts: the console, the query library and ``chengxin query``.

Guards, stacked (no one of them is trusted alone):

1. :func:`graph.readonly.check_read_only`, a clause check on the text outside strings and comments;
2. on Neo4j, ``EXPLAIN``'s query type must be ``r`` (ArcadeDB reports every query as a write, so
   the check is skipped there: :data:`graph.backend.EXPLAIN_TELLS_QUERY_TYPE`);
3. a READ-mode explicit transaction that is **always rolled back**, never committed (Neo4j refuses
   writes in READ mode; ArcadeDB ignores the mode but honours the rollback);
4. on Neo4j, an optional read-only user (``CHENGXIN_READ_USER``) for the console's connection.

Time: a limit (``CHENGXIN_QUERY_TIMEOUT``, lowered per request, never raised) enforced by chengxin:
the caller stops waiting at the limit and says so. The server is freed by the backend's own
deadline: the transaction timeout on Neo4j, ArcadeDB's server-wide ``arcadedb.command.timeout``
(set from the same setting when chengxin starts the embedded server). Rows: at most
``CHENGXIN_QUERY_ROW_CAP``; the result says when it was cut.
"""

from __future__ import annotations

import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field

import neo4j
from neo4j import exceptions as nx

from . import backend
from .db import Graph, plain, wrap_driver_error
from .errors import ChengxinError, InvalidInput, QueryRejected, QueryTimeout
from .readonly import check_read_only


@dataclass
class Result:
    columns: list[str]
    rows: list[dict]
    truncated: bool = False
    row_cap: int = 0
    seconds: float = 0.0
    timeout: float = 0.0
    notices: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "columns": self.columns, "rows": self.rows, "truncated": self.truncated,
            "row_cap": self.row_cap, "seconds": self.seconds, "timeout": self.timeout,
            "notices": self.notices,
        }


_pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="chengxin-query")
_read_driver_lock = threading.Lock()


def effective_timeout(graph: Graph, requested: float | None) -> float:
    """The setting, or a lower requested limit; never higher."""
    limit = graph.settings.query_timeout
    if requested is None:
        return limit
    if requested <= 0:
        raise InvalidInput("timeout must be a positive number of seconds / 超时时间须为正数")
    return min(limit, float(requested))


def _driver(graph: Graph) -> neo4j.Driver:
    """The console's connection: a read-only user's when one is configured (Neo4j), else the graph's."""
    s = graph.settings
    if graph.embedded or not s.read_user:
        return graph.driver
    with _read_driver_lock:
        if graph.read_driver is None:
            password = s.read_password.get_secret_value() if s.read_password else ""
            graph.read_driver = neo4j.GraphDatabase.driver(s.uri, auth=(s.read_user, password))
        return graph.read_driver


def _explain_check(graph: Graph, text: str, params: dict) -> None:
    if not backend.explain_tells_query_type(graph):
        return
    try:
        with _driver(graph).session(database=graph.database, default_access_mode=neo4j.READ_ACCESS) as s:
            summary = s.run("EXPLAIN " + text, params).consume()
    except (nx.Neo4jError, nx.DriverError) as e:
        raise _error(e) from e
    if summary.query_type not in ("r", None):
        kinds = {"w": "writes", "rw": "reads and writes", "s": "changes the schema"}
        raise QueryRejected(
            f"refused: the database reports this query {kinds.get(summary.query_type, summary.query_type)}; "
            "the console is read-only / 拒绝：数据库判定该查询会写入"
        )


def _error(e: Exception) -> ChengxinError:
    """The database's own message, with its position when it gives one."""
    msg = getattr(e, "message", None) or str(e)
    if backend.is_timeout(e):
        return QueryTimeout(f"the database stopped the query at its time limit: {msg}")
    err = wrap_driver_error(e, "query")
    pos = re.search(r"\(line (\d+), column (\d+)", msg)
    if pos:
        err.position = {"line": int(pos.group(1)), "column": int(pos.group(2))}
    return err


def _execute(graph: Graph, text: str, params: dict, timeout: float, cap: int) -> tuple[list[str], list[dict], bool]:
    with _driver(graph).session(database=graph.database, default_access_mode=neo4j.READ_ACCESS) as s:
        tx = s.begin_transaction(timeout=timeout)
        try:
            result = tx.run(text, params)
            columns = list(result.keys())
            rows, truncated = [], False
            for record in result:
                if len(rows) >= cap:
                    truncated = True
                    break
                rows.append({k: plain(v) for k, v in record.items()})
            return columns, rows, truncated
        finally:
            # Never commit: whatever the text did, it is undone.
            if tx.closed() is False:
                tx.rollback()


def run_read(graph: Graph, text: str, params: dict | None = None, *, timeout: float | None = None,
             row_cap: int | None = None, checked: bool = False) -> Result:
    """Run analyst Cypher read-only, within the time limit and the row cap.

    ``checked`` skips the clause check for catalog queries (already proven read by their tests);
    the other guards still apply.
    """
    params = params or {}
    if not isinstance(params, dict):
        raise InvalidInput("parameters must be a JSON object / 参数须为 JSON 对象")
    if not checked:
        check_read_only(text)
    limit = effective_timeout(graph, timeout)
    cap = min(row_cap or graph.settings.query_row_cap, graph.settings.query_row_cap)
    _explain_check(graph, text, params)
    t0 = time.perf_counter()
    future = _pool.submit(_execute, graph, text, params, limit, cap)
    try:
        columns, rows, truncated = future.result(timeout=limit)
    except FutureTimeout:
        future.add_done_callback(lambda f: f.exception())  # collected, never raised
        raise QueryTimeout(
            f"stopped after {limit:g} s: the time limit (CHENGXIN_QUERY_TIMEOUT, {graph.settings.query_timeout:g} s; "
            f"a request may lower it). The server drops the query at its own deadline. "
            f"/ 查询超过时间限制（{limit:g} 秒）已停止"
        ) from None
    except (nx.Neo4jError, nx.DriverError) as e:
        raise _error(e) from e
    res = Result(columns, rows, truncated, cap, round(time.perf_counter() - t0, 3), limit)
    if truncated:
        res.notices.append(
            f"结果已截断：只显示前 {cap} 行 / result cut at {cap} rows (CHENGXIN_QUERY_ROW_CAP)"
        )
    return res


def run_named(graph: Graph, name: str, values: dict, *, timeout: float | None = None,
              row_cap: int | None = None) -> Result:
    """A library query by name, parameters from text or typed values."""
    from cypher import get_query

    q = get_query(name)
    if q.mode != "read" or q.labels:
        raise QueryRejected(f"query {name} is not a read query of the library / 不是只读查询")
    res = run_read(graph, q.text, q.bind(values), timeout=timeout, row_cap=row_cap, checked=True)
    if not res.columns:  # ArcadeDB names no columns for an empty result; the header does
        res.columns = list(q.returns)
    return res
