"""The ``chengxin`` command: the embedded database, loading, sample data, the web app, the demo."""

from __future__ import annotations

import json
import signal
import sys
import time
from importlib import resources
from pathlib import Path

import click
from tabulate import tabulate
from wcwidth import wcwidth

from chengxin.cypher import get_query, library
from chengxin.graph import (
    console, eligibility as elig, export as exporter, flags as red, matching, paths, queries, risk as scoring,
)
from chengxin.graph.backend import backend_for
from chengxin.graph.db import connect
from chengxin.graph.errors import ChengxinError
from chengxin.graph.messages import DEFAULT, N_, as_data, pick_lang, translations
from chengxin.graph.privacy import mask_text
from chengxin.graph.results import cell_text, public, to_csv
from chengxin.graph.schema import ensure_schema
from chengxin.graph.settings import get_settings, Settings
from chengxin.loaders.ingest import FORMATS, MAPPINGS, check_any, load_any
from chengxin.loaders.plant import plant as plant_cases
from chengxin.loaders.sample import generate
from chengxin.web import close_app, create_app
from chengxin.web.serve import run, url


def _settings() -> Settings:
    try:
        return get_settings()
    except Exception as e:  # pydantic ValidationError: a bad CHENGXIN_* value
        raise click.ClickException(f"invalid setting: {e}") from e


# The language the command prints in (``--lang`` / CHENGXIN_LANG; Simplified Chinese by default).
_lang = DEFAULT


def _say(value) -> str:
    """A service's message (or plain text) in the chosen language."""
    tr = translations(_lang)
    return value.render(tr) if hasattr(value, "render") else ("" if value is None else str(value))


def _tr(msgid: str) -> str:
    return translations(_lang).gettext(msgid)


class Group(click.Group):
    """Print chengxin's own errors as one clear line, not a traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except ChengxinError as e:
            raise click.ClickException(_say(e.message)) from e


def _pick_lang(ctx, param, value):
    lang = pick_lang(value)
    if value and not lang:
        raise click.BadParameter(f"{value!r}: choose zh (Simplified Chinese) or en")
    return lang or DEFAULT


@click.group(cls=Group)
@click.version_option(package_name="chengxin")
@click.option("--lang", envvar="CHENGXIN_LANG", callback=_pick_lang, is_eager=True,
              help="Language of the output: zh (Simplified Chinese, the default; also zh_Hans, zh-CN) or en.")
def main(lang: str) -> None:
    """诚信 chengxin: a graph explorer for construction-market integrity data."""
    global _lang
    _lang = lang


# --- db ------------------------------------------------------------------------------------


@main.group(cls=Group)
def db() -> None:
    """The embedded ArcadeDB server (unused when CHENGXIN_URI points at Neo4j)."""


@db.command("start")
def db_start() -> None:
    """Start the embedded server (idempotent) and wait until Bolt answers."""
    s = _settings()
    state = backend_for(s).start()
    click.echo(f"running: pid {state.pid}, {state.uri}, database {state.database}, home {s.home_path}")


@db.command("stop")
def db_stop() -> None:
    """Stop the embedded server cleanly."""
    click.echo("stopped" if backend_for(_settings()).stop() else "not running")


@db.command("status")
def db_status() -> None:
    """Say whether the embedded server is running (exit 1 if not)."""
    running, line = backend_for(_settings()).describe()
    click.echo(line)
    if not running:
        sys.exit(1)


# --- load / sample / stats ------------------------------------------------------------------


def _connect():
    graph = connect(_settings())
    ensure_schema(graph)
    return graph


def text_table(headers: list[str] | None, rows: list[list], align: list[str] | None = None,
               rule: bool = False) -> list[str]:
    """Lines of a plain-text table, columns measured by tabulate with wcwidth (a CJK character is two
    columns wide). Cells are printed as given (no number parsing); ``align`` is per column
    (``left``/``right``); ``rule`` draws dashes under the header."""
    text = tabulate([[("" if c is None else str(c)) for c in r] for r in rows], headers=headers or (),
                    tablefmt="simple" if rule else "plain", colalign=align, disable_numparse=True)
    return [line.rstrip() for line in text.splitlines()]


def _cut(text: str, width: int = 40) -> str:
    """At most ``width`` terminal columns, with … when cut."""
    out, n = "", 0
    for ch in text:
        n += max(wcwidth(ch), 0)
        if n > width:
            return out + "…"
        out += ch
    return out


def print_report(report) -> None:
    """The load summary; every line masked (graph.privacy): no full ID number reaches the terminal."""
    def echo(text: str) -> None:
        click.echo(mask_text(text))

    check = report.mode == "check"
    lines = text_table(["table", "file", "read", "valid" if check else "loaded", "rejected", "seconds"],
                       [[t.table, t.file, t.read, t.loaded, t.rejected, f"{t.seconds:.2f}"] for t in report.tables]
                       + [["total", "", report.read, report.loaded, report.rejected, f"{report.seconds:.2f}"]],
                       align=["left", "left", "right", "right", "right", "right"])
    echo("\n" + lines[0])
    for t, line in zip(report.tables, lines[1:]):
        echo(line)
        if t.error:
            echo(f"  ! {t.error}")
        for warning in t.warnings:
            echo(f"  ! {warning}")
        if t.skipped_header_lines:
            echo(f"  ({t.skipped_header_lines} repeated header line(s) skipped)")
        top = sorted(t.reasons.items(), key=lambda kv: -kv[1]["count"])
        for kind, r in top[:3]:
            echo(f"  {r['count']:>7,} refused: {kind}" + (f" (first: line {r['line']})" if r["line"] else ""))
        if len(top) > 3:
            echo(f"  {sum(r['count'] for _, r in top[3:]):>7,} refused for {len(top) - 3} other reasons")
    echo(lines[-1])
    if check:
        echo("  checked only: nothing was written to the graph")
    elif len(report.tables) > 1 and report.seconds > 0:
        echo(f"  {report.loaded / report.seconds:,.0f} rows/s; a table's seconds run from its first row read to its "
             f"last row written, and the next table is read while the last is written")
    for key, value in report.summary.items():
        echo(f"  {key}: {value:,}" if isinstance(value, int) else f"  {key}: {value}")
    if report.rejected or any(t.error for t in report.tables):
        echo(f"rejected rows, with file, line and reason: {report.rejects_file}")


@main.command()
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="folder",
              show_default=True, help="folder: the CSV-folder tables; ocds / oc4ids: Open Contracting JSON "
              "(file or folder); list: a sanctions or debarment list read through --mapping; jzsc: the national "
              "platform's records (JSON as collected, Chinese-header CSV exports; docs/jzsc.md).")
@click.option("--mapping", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="--format list: the mapping file (TOML or YAML) from the list's columns to penalty fields.")
@click.option("--id-scheme", help="ocds / oc4ids: scheme for party identifiers that give none (e.g. MX-RFC).")
@click.option("--report", "report_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the load summary as JSON to this file.")
@click.option("--source", help="Dataset name for rows without a `source` (default: from the path).")
@click.option("--bulk/--merge", "bulk", default=None,
              help="Write path. Default: the bulk path (CREATE for new keys) into an empty graph, MERGE otherwise; "
              "--merge always MERGEs; --bulk insists on the bulk path (refused on a graph that is not empty).")
@click.option("--check", is_flag=True,
              help="Only read and validate every row and write the rejects file: nothing is written to the graph "
              "and no database is started.")
def load(path: Path, fmt: str, mapping: Path | None, id_scheme: str | None, report_path: Path | None,
         source: str | None, bulk: bool | None, check: bool) -> None:
    """Load a dataset: a folder of tables, OCDS / OC4IDS JSON, or a sanctions list with a mapping.

    Exits non-zero when a table could not be read, most of a table's rows were refused, or the
    database failed part-way; the summary of what was loaded is printed first."""
    if check and bulk is not None:
        raise click.UsageError("--check writes nothing: it takes no --bulk or --merge")
    kw = dict(source=source, mapping=mapping, id_scheme=id_scheme, report_path=report_path)
    try:
        if check:
            report = check_any(_settings(), path, fmt, **kw)
        else:
            with _connect() as graph:
                report = load_any(graph, path, fmt, mode={None: "auto", True: "bulk", False: "merge"}[bulk], **kw)
    except ChengxinError as e:
        if getattr(e, "report", None) is not None:
            print_report(e.report)
        raise click.ClickException(mask_text(e.detail)) from e
    print_report(report)
    problems = report.problems()
    if problems:
        raise click.ClickException(mask_text(
            ("the load would not be complete: " if check else "not loaded in full: ") + "; ".join(problems)
            + f". Every refused row, with its file, line and reason: {report.rejects_file}"))

@main.command()
@click.argument("out_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--scale", default=1, show_default=True, type=click.IntRange(1), help="~300 firms per step.")
@click.option("--seed", default=7, show_default=True, type=int)
@click.option("--plant", is_flag=True, help="Also plant known cases of every red flag beside clean look-alikes "
              "(listed in OUT_DIR/planted.json).")
def sample(out_dir: Path, scale: int, seed: int, plant: bool) -> None:
    """Write a realistic synthetic dataset in the CSV-folder format."""
    counts = generate(out_dir, scale=scale, seed=seed)
    if plant:
        for table, n in plant_cases(out_dir)["counts"].items():
            counts[table] += n
    for line in text_table(None, list(counts.items()), align=["left", "right"]):
        click.echo(line)
    click.echo(f"written to {out_dir}" + (f" (planted cases: {out_dir / 'planted.json'})" if plant else ""))


@main.command()
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def stats(fmt: str) -> None:
    """Node and relationship counts per label and type."""
    with _connect() as graph:
        result = queries.stats(graph)
    if fmt == "json":
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    for title, rows in (("label", result["labels"]), ("relationship", result["relationships"])):
        for line in text_table([title, "count"], list(rows.items()), align=["left", "right"]):
            click.echo(line)
        click.echo("")


# --- analysts ---------------------------------------------------------------------------------


@main.command()
@click.argument("name", required=False)
@click.option("--param", "-p", "params", multiple=True, metavar="KEY=VALUE", help="A parameter; repeat for more.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@click.option("--list", "list_", is_flag=True, help="List the library's queries.")
@click.option("--timeout", type=float, help="Lower time limit in seconds (never above CHENGXIN_QUERY_TIMEOUT).")
def query(name: str | None, params: tuple[str, ...], fmt: str, list_: bool, timeout: float | None) -> None:
    """Run a named query of the library: chengxin query NAME -p key=value … (or --list)."""
    if list_ or not name:
        rows = []
        for q in library():
            ps = " ".join(f"{p.name}{'?' if p.optional else ''}={p.example or ''}" for p in q.params.values())
            rows += [[q.name, _tr(q.purpose)]] + ([["", f"-p {ps}"]] if ps else [])
        for line in text_table(None, rows):
            click.echo(line)
        return
    q = get_query(name)
    if not q.library or q.mode != "read":
        raise click.ClickException(f"{name} is not a library query (chengxin query --list)")
    values = {}
    for item in params:
        key, sep, value = item.partition("=")
        if not sep:
            raise click.ClickException(f"--param takes KEY=VALUE, not {item!r}")
        values[key.strip()] = value
    with _connect() as graph:
        with console.Console(graph.settings) as analyst:
            res = analyst.run_named(graph, name, values, timeout=timeout)
    if fmt == "json":
        out = res.as_dict()
        out["rows"] = public(res.rows)
        _echo_json(out)
    elif fmt == "csv":
        click.echo(to_csv(res.columns, res.rows), nl=False)
    else:
        for line in text_table(res.columns, [[_cut(cell_text(r.get(c))) for c in res.columns] for r in res.rows],
                               rule=True):
            click.echo(line)
        click.echo(f"\n{len(res.rows)} rows, {res.seconds:.3f} s")
    for notice in res.notices:
        click.echo(_say(notice), err=True)


# --- investigators ----------------------------------------------------------------------------


def _echo_json(data) -> None:
    """JSON as the API writes it: messages as msgid, parameters and text, and the language used."""
    body = as_data(data, translations(_lang))
    if isinstance(body, dict):
        body = {**body, "lang": _lang}
    click.echo(json.dumps(body, ensure_ascii=False, indent=2, default=str))


@main.command()
@click.option("--kind", "kinds", multiple=True, help="One detector (repeat for more); default all. See --list.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--list", "list_", is_flag=True, help="List the detectors.")
@click.option("--run", "run_", is_flag=True, help="Run every detector now as batch jobs and store the run under "
              "CHENGXIN_HOME (the pages and the risk ranking read it); default: the stored run, made first if "
              "there is none or it is out of date (a load changed the data since, or it is older than "
              "CHENGXIN_FLAG_MAX_AGE_HOURS).")
def flags(kinds: tuple[str, ...], fmt: str, list_: bool, run_: bool) -> None:
    """Red flags: every hit of each detector with its evidence."""
    if list_:
        for line in text_table(None, [[d.kind, d.number, _tr(d.name)] for d in red.DETECTORS.values()]):
            click.echo(line)
        return
    for k in kinds:
        red.detector(k)
    with _connect() as graph:
        runs = red.FlagRuns(graph.settings)

        def progress(info, hits: list) -> None:
            click.echo(f"{info.kind:<28} {info.seconds:8.1f} s  {info.ranges:3d} key ranges  {len(hits):7d} hits", err=True)

        stored = None if run_ else runs.latest()
        if stored is None or runs.stale(stored, graph):
            stored = runs.run_all(graph, progress=progress)
            click.echo(f"{'total':<28} {stored.total_seconds:8.1f} s  (stored in {runs.store})", err=True)
        else:
            click.echo(f"stored run of {stored.computed_at} ({stored.total_seconds:.1f} s; --run runs again)", err=True)
        found = {k: stored.hits[k] for k in (kinds or red.DETECTORS)}
    if fmt == "json":
        _echo_json(found)
        return
    for kind, hits in found.items():
        d = red.DETECTORS[kind]
        click.echo(f"\n== {_tr(d.name)} ({kind}): {len(hits)}")
        for h in hits:
            click.echo(f"- {_say(h['title'])}  [{h['key']}]")
            for f in h["facts"]:
                click.echo(f"    {_say(f)}")


@main.command()
@click.argument("source")
@click.argument("target")
@click.option("--max-hops", type=int, help="Most hops (default CHENGXIN_PATH_MAX_HOPS, 6).")
@click.option("--type", "types", multiple=True, help="Relationship type to follow (repeat); default all.")
@click.option("--with-hubs", is_flag=True, help="Also pass through hubs (authorities, very connected nodes).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def path(source: str, target: str, max_hops: int | None, types: tuple[str, ...], with_hubs: bool, fmt: str) -> None:
    """Shortest connections between two entities, written KIND:ID (enterprise:91…, person:…)."""
    with _connect() as graph:
        found = paths.find(graph, source, target, max_hops=max_hops, types=list(types) or None, with_hubs=with_hubs)
    tr = translations(_lang)
    for p in found["paths"]:
        p["text"] = paths.sentence(p, tr, chain=_lang == DEFAULT)
    if fmt == "json":
        _echo_json(found)
        return
    if not found["paths"]:
        click.echo(_tr(N_("no connection within {hops} hops")).format(hops=found["max_hops"]))
    hops = _tr(N_("{n} hops"))
    for i, p in enumerate(found["paths"], 1):
        click.echo(f"{i}. ({hops.format(n=p['length'])}) {p['text']}")
    if found["notice"]:
        click.echo(_say(found["notice"]), err=True)


@main.command()
@click.argument("uscc")
@click.option("--date", "on", type=click.DateTime(["%Y-%m-%d"]), help="The day to check (default today).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def eligibility(uscc: str, on, fmt: str) -> None:
    """Whether a firm may bid on a date, with every reason."""
    with _connect() as graph:
        found = elig.check(graph, uscc, on.date() if on else None, settings=graph.settings)
    if fmt == "json":
        _echo_json(found)
        return
    verdict = _tr(N_("eligible")) if found["eligible"] else _tr(N_("not eligible"))
    click.echo(f"{found['name']} ({found['uscc']}) {found['date']}: {verdict}")
    for r in found["reasons"]:
        click.echo(f"- {_say(r['reason'])}")
    if found["eligible_again"]:
        click.echo(_tr(N_("eligible again on {date}")).format(date=found["eligible_again"]))


@main.command()
@click.option("--region", help="Region-code prefix, e.g. 32 or 3205.")
@click.option("--type", "type_", help="Enterprise type, e.g. 施工.")
@click.option("--limit", default=30, show_default=True, type=click.IntRange(1))
@click.option("--uscc", help="One firm's score with every contribution.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def risk(region: str | None, type_: str | None, limit: int, uscc: str | None, fmt: str) -> None:
    """The risk ranking, or one firm's score explained."""
    with _connect() as graph:
        opts = {"settings": graph.settings, "runs": red.FlagRuns(graph.settings)}  # the stored run, made if none
        found = (scoring.firm_score(graph, uscc, **opts) if uscc
                 else scoring.ranking(graph, region, type_, limit, wait=True, **opts))
    found.pop("ranked_key", None)  # the ranking's identity within this process: nothing to show
    if fmt == "json":
        _echo_json(found)
    elif uscc:
        click.echo(f"{found['name']} ({found['uscc']}): {found['score']}/100")
        for line in text_table(None, [[f"{c['points']:.1f}", _say(c["reason"])] for c in found["contributions"]],
                               align=["right", "left"]):
            click.echo(line)
    else:
        for line in text_table(None, [[r["score"], r["uscc"], r["name"], f"({r['type'] or '—'}, {r['region_code'] or '—'})"]
                                      for r in found["rows"]], align=["right", "left", "left", "left"]):
            click.echo(line)
        click.echo(f"{found['total']} firms scored above zero")


@main.command()
@click.argument("out", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "graphml", "ftm"]), default="jsonl",
              show_default=True, help="jsonl / csv: the table folder `chengxin load` reads back; graphml; "
              "ftm: FollowTheMoney entities.")
@click.option("--around", metavar="KIND:ID", help="Only this entity's neighbourhood (e.g. enterprise:91…).")
@click.option("--depth", default=1, show_default=True, type=click.IntRange(0, 6), help="Hops around --around.")
def export(out: Path, fmt: str, around: str | None, depth: int) -> None:
    """Export the graph, or a neighbourhood, for other tools (or to load elsewhere)."""
    with _connect() as graph:
        done = exporter.export(graph, fmt, out, around, depth)
    click.echo(f"{done['nodes']:,} nodes, {done['relationships']:,} relationships → {done['out']} ({fmt})")
    for line in text_table(None, [[name, f"{n:,}"] for name, n in done["written"].items()], align=["left", "right"]):
        click.echo(f"  {line}")


@main.command()
@click.option("--threshold", type=float, help="Make links scoring at least this (default CHENGXIN_MATCH_THRESHOLD).")
def match(threshold: float | None) -> None:
    """Entity matching: link records of different sources that name the same firm."""
    with _connect() as graph:
        found = matching.run(graph, threshold, settings=graph.settings)
    click.echo(f"{found['records']:,} records, {found['proposed']:,} pairs proposed: {found['made']:,} new links made "
               f"(score >= {found['threshold']}), {found['pending']:,} new pairs to review (chengxin review)")


@main.command()
@click.option("--status", type=click.Choice(list(matching.STATUSES)), default="pending", show_default=True,
              help="Which pairs: waiting, rejected, made by matching, accepted.")
@click.option("--band", metavar="LOW-HIGH", help="Only pairs scoring within this band, e.g. 0.75-0.85.")
@click.option("--source", help="Only pairs with a record from this source (a part of its name).")
@click.option("--reason", type=click.Choice(list(matching.FEATURES)), help="Only pairs with this feature.")
@click.option("--accept", "accepts", multiple=True, metavar="ID", help="Accept a pair by its id (repeat for more).")
@click.option("--reject", "rejects", multiple=True, metavar="ID", help="Reject a pair by its id, or unlink a made link.")
@click.option("--accept-all", is_flag=True, help="Accept every pair the filters select.")
@click.option("--reject-all", is_flag=True, help="Reject every pair the filters select.")
@click.option("--undo", "undo_", is_flag=False, flag_value="latest", default=None, metavar="[DECISION]",
              help="Undo a decision (the latest by default).")
@click.option("--log", "show_log", is_flag=True, help="The decisions made, newest first.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def review(status: str, band: str | None, source: str | None, reason: str | None, accepts: tuple[str, ...],
           rejects: tuple[str, ...], accept_all: bool, reject_all: bool, undo_: str | None, show_log: bool,
           fmt: str) -> None:
    """Entity-matching pairs: list them by status, score band, source and feature; accept or reject
    them by id or all that a filter selects; undo a decision; show the decision log. Pairs are named
    by id (no names on the command line); ``A|B`` (two keys) is still understood."""
    bounds = matching.parse_band(band)
    with _connect() as graph:
        done = []
        for ok, given in ((True, accepts), (False, rejects)):
            keyed = [p for p in given if "|" in p]
            ids = [p for p in given if "|" not in p] + [matching.pair_id(*matching.parse_pair(p)) for p in keyed]
            if ids:
                done.append(matching.decide_many(graph, ok, ids, who="cli"))
        if accept_all or reject_all:
            if accept_all and reject_all:
                raise click.UsageError("--accept-all or --reject-all, not both")
            done.append(matching.decide_many(graph, accept_all, None, who="cli", band=bounds, source=source,
                                             reason_code=reason, status=status))
        if undo_:
            done.append(matching.undo(graph, None if undo_ == "latest" else undo_, who="cli"))
        if done:
            if fmt == "json":
                _echo_json(done)
                return
            for d in done:
                if "undid" in d:
                    click.echo(f"undone: {d['undid']} ({d['changed']} pairs), as decision {d['decision']}")
                else:
                    click.echo(f"{'accepted' if d['accepted'] else 'rejected'}: {d['changed']} pairs, decision "
                               f"{d['decision']} (undo: chengxin review --undo {d['decision']})")
            return
        if show_log:
            log = matching.decision_log(graph)
            if fmt == "json":
                _echo_json(log)
                return
            for d in log:
                click.echo(f"{d['decision']}  {d['action']:<6} {d['at']}  {d['pairs']} pairs"
                           f"{'  (undone)' if d['undone'] else ''}{'  undoes ' + d['undoes'] if d.get('undoes') else ''}")
            click.echo(f"{len(log)} decisions")
            return
        pairs = matching.review_list(graph, status, band=bounds, source=source, reason_code=reason)
    if fmt == "json":
        _echo_json(pairs)
        return
    for p in pairs:
        feats = ", ".join(f"{_say(f['label'])} {f['weight']:+.2f}" for f in p["features"])
        click.echo(f"{p['id']}  {p['score']:.3f}  {p['a_name']}  ⟷  {p['b_name']}\n"
                   f"       {_say(p['reason'])}{' · ' + feats if feats else ''}\n"
                   f"       chengxin review --{'reject' if status in ('auto', 'accepted') else 'accept'} {p['id']}")
    click.echo(f"{len(pairs)} {status}")


# --- web -------------------------------------------------------------------------------------


def _serve(host: str | None, port: int | None, graph=None, dev: bool = False, banner=None) -> None:
    """waitress with ``serve_threads`` threads (``dev``: Werkzeug's server with its reloader);
    ``banner`` is said once the app is made, last before serving."""
    settings = _settings()
    host, port = host or settings.host, port or settings.port
    # The app decides console access from the address it is served on.
    app = create_app(settings.model_copy(update={"host": host, "port": port}), graph=graph)
    try:
        run(app, host, port, threads=settings.serve_threads, dev=dev, say=_say, banner=banner)
    finally:
        close_app(app)


@main.command()
@click.option("--host", default=None, help="Listen address (default CHENGXIN_HOST, 127.0.0.1).")
@click.option("--port", default=None, type=int, help="Port (default CHENGXIN_PORT, 5000).")
@click.option("--dev", is_flag=True, help="Werkzeug's development server, reloading on code changes (not waitress).")
def serve(host: str | None, port: int | None, dev: bool) -> None:
    """Serve the web app (waitress, CHENGXIN_SERVE_THREADS threads)."""
    _serve(host, port, dev=dev)


def sample_dir() -> Path:
    return Path(str(resources.files("chengxin").joinpath("sample")))


def _interrupt(signum, frame) -> None:
    """A SIGTERM or SIGHUP ends the demo as Ctrl-C does (its database stopped too)."""
    raise KeyboardInterrupt


@main.command()
@click.option("--host", default=None, help="Listen address (default CHENGXIN_HOST, 127.0.0.1).")
@click.option("--port", default=None, type=int, help="Port (default CHENGXIN_PORT, 5000).")
@click.option("--with-foreign", is_flag=True,
              help="Also load foreign data from a checkout's tests/data/real: OCDS releases and a debarment list.")
def demo(host: str | None, port: int | None, with_foreign: bool) -> None:
    """The main job: start the database, load the demo graph if the graph is empty, serve.
    The demo graph is the bundled sample of China's construction market and its red-flag cases
    under ordinary names. Ctrl-C stops the web app and the embedded database, if this command
    started it (also while it is still loading); so does a SIGTERM or SIGHUP (``kill``, a service
    manager, a closed terminal), which would otherwise leave the database running without its app."""
    settings = _settings()
    host, port = host or settings.host, port or settings.port
    database = backend_for(settings)
    running = database.running()  # None: not chengxin's to start (an external Neo4j)
    started_here = running is False
    click.echo(f"chengxin demo: {url(host, port)} once ready (Ctrl-C stops it)")
    graph = None
    previous = {sig: signal.signal(sig, _interrupt) for sig in (signal.SIGTERM, signal.SIGHUP)}
    try:
        if started_here:
            click.echo("[1/3] starting the embedded database (the first start takes a few seconds) …")
        else:
            click.echo("[1/3] connecting to the database …")
        t0 = time.monotonic()
        graph = _connect()
        click.echo(f"      ready in {time.monotonic() - t0:.0f} s")
        if queries.node_count(graph) == 0:
            click.echo("[2/3] empty graph: loading the demo graph")
            _demo_load(graph, "the bundled sample of the construction market", sample_dir(), source="chengxin-sample")
            planted = graph.settings.home_path / "planted"
            plant_cases(planted, ordinary=True)
            _demo_load(graph, "red-flag cases (synthetic, ordinary names)", planted, source="chengxin-demo-cases")
            real = Path(__file__).resolve().parent.parent / "tests" / "data" / "real"
            if with_foreign and real.is_dir():  # a checkout: real foreign files, matched to the rest
                _demo_load(graph, "NAICM OCDS releases (Mexico)", real / "gacm-naicm-ocds" / "releases", "ocds",
                           id_scheme="MX-RFC")
                _demo_load(graph, "EBRD debarment list", next((real / "mdb-debarment").glob("*.csv")), "list",
                           mapping=MAPPINGS / "ebrd-ineligible.toml")
            elif with_foreign:
                click.echo("      --with-foreign: no tests/data/real here (it ships with a checkout, not the wheel)")
        else:
            click.echo("[2/3] the graph holds data already: nothing loaded")
        click.echo("[3/3] starting the web app")
        _serve(host, port, graph=graph, banner=lambda: click.echo(
            f"chengxin demo is ready: {url(host, port)}  (Ctrl-C stops the app"
            + (" and the database it started)" if started_here else ")")))
    except KeyboardInterrupt:
        click.echo("")
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if graph is not None:
            graph.close()
        if started_here:
            click.echo("stopping the embedded database this demo started …")
            database.stop()
            click.echo("stopped.")
        elif running:
            click.echo("the embedded database keeps running (it was running before the demo): chengxin db stop")


def _demo_load(graph, what: str, path: Path, fmt: str = "folder", **kw) -> None:
    """One step of the demo's load, said in one line (the full report is on /sources)."""
    click.echo(f"      loading {what} …", nl=False)
    report = load_any(graph, path, fmt, source=kw.pop("source", None), progress=False, **kw)
    click.echo(f" {report.loaded:,} rows in {report.seconds:.0f} s"
               + (f", {report.rejected:,} refused ({report.rejects_file})" if report.rejected else ""))


if __name__ == "__main__":
    main()
