"""``chengxin load --format ocds|oc4ids PATH``: Open Contracting data, taken as it comes.

OCDS: release packages, record packages (the compiled release, else the newest release),
single releases and JSON Lines of any of these, in a file or a folder. OC4IDS: project packages.
Each is turned into rows of the CSV-folder tables, handed straight to the one loader as a source
(:func:`source`; validation, rejects with reasons, idempotent upserts), so nothing here writes to the
database or to a staging file. A refused row names its JSON file and the record it came from: its
line in a ``.jsonl`` file, else its position (1, 2 …) in the package's ``releases``, ``records`` or
``projects``. A record that cannot be converted (no ocid, not a JSON object …) is refused the same
way, its path in the file (``releases[3]``) in the reason: never dropped.

Mapping (OCDS):
- parties, and the 1.0-era ``buyer`` and award ``suppliers`` → Enterprise. The identifier keeps its
  scheme: ``CN-USCC`` becomes the ``uscc`` itself; any other is ``SCHEME:ID`` (a missing scheme
  takes ``--id-scheme``, else ``XX-ID``); a party without one is ``XX-NAME:<SOURCE>:<NAME>``, keyed
  within its source (two sources naming a firm alike are linked by matching, never one node).
- the contracting process (ocid) → Tender (``tender_no`` is the ocid; a bare number becomes
  ``OCDS-<ocid>``), with title, method and opening date; the procuring entity, when not the
  buyer, is its agent.
- ``bids.details`` (bids extension) and ``tender.tenderers`` → bids; award suppliers → winners
  (one WON per supplier) and, when the process names a project, PARTICIPATES_IN it as 中标单位
  with amount, currency and contract ids. Amounts stay in their currency (``amount``,
  ``currency``); only CNY also fills ``contract_amount`` in 万元.
- ``planning.budget.projectID`` (OC4IDS: the project) → Project; the buyer is its owner
  (建设单位); funders take part as 出资方. A process that names no project stands for its own
  (code = its tender number), since every tender belongs to a project.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from chengxin.graph.errors import InvalidInput
from chengxin.graph.names import identity_key
from chengxin.graph.vocabulary import OCDS_ROLES

from .readers import files_inside
from .sources import RowsSource, SourceRow

ROLE_NAMES = OCDS_ROLES  # OCDS party role -> participation role (graph/vocabulary.toml)


def _date(value):
    return value[:10] if isinstance(value, str) and len(value) >= 10 else None


@dataclass
class Converted:
    #: per table, its rows with their origin: (file, record number, row)
    rows: dict[str, list[SourceRow]] = field(default_factory=lambda: defaultdict(list))
    summary: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    #: what could not be converted, as rows the loader refuses: (file, record number, reason with the
    #: record's path in the file, the record cut short)
    refused: list[SourceRow] = field(default_factory=list)


class _Builder:
    def __init__(self, source: str, id_scheme: str | None):
        self.source = source
        self.id_scheme = id_scheme
        self.out = Converted()
        self.firms: dict[str, dict] = {}
        self.projects: dict[str, dict] = {}
        self.origin: tuple[str, int | None] = ("", None)  # the file and record being converted
        self.path = ""  # the record's path in its file (``releases[3]``), for the rejects file
        self.origins: dict[tuple[str, str], tuple[str, int | None]] = {}  # where a firm or project was first met
        self.suppliers: set[str] = set()
        self.ocids: set[str] = set()
        self.releases = 0
        self.awards = 0

    def problem(self, reason: str, raw: object) -> None:
        """A record that cannot be converted: said in the problems and refused, with its path, into the
        rejects file (never dropped)."""
        where = f"{self.origin[0]}" + (f" {self.path}" if self.path else "")
        self.out.problems.append(f"{where}: {reason}")
        text = raw if isinstance(raw, str) else json.dumps(raw, ensure_ascii=False, default=str)
        self.out.refused.append((self.origin[0], self.origin[1], {
            "_error": f"{reason} (at {self.path or 'the document'})", "_raw": text[:2000]}))

    def add(self, table: str, **row) -> None:
        row.setdefault("source", self.source)
        self.out.rows[table].append((*self.origin, {k: v for k, v in row.items() if v not in (None, "")}))

    # --- parties ----------------------------------------------------------------------
    def firm_key(self, org: dict) -> str | None:
        ident = org.get("identifier") or {}
        scheme = (ident.get("scheme") or "").strip().upper() or None
        value = str(ident.get("id") or "").strip()
        if not value and org.get("id") and not str(org["id"]).startswith(("ocds-", "party-")):
            value = str(org["id"]).strip()
        if value:
            if scheme == "CN-USCC":
                return value.upper()
            scheme = scheme if scheme and re.fullmatch(r"[A-Z]{2}-[A-Z0-9_]+", scheme) else (self.id_scheme or "XX-ID")
            return f"{scheme}:{value.upper()}"
        name = org.get("name") or ident.get("legalName")
        # Named only: keyed within this source, so two sources naming one firm alike never share a
        # node (sameness across sources is a matching link).
        return f"XX-NAME:{identity_key(self.source)}:{identity_key(name)}" if name else None

    def firm(self, org: dict | None, url: str | None = None) -> str | None:
        if not org:
            return None
        key = self.firm_key(org)
        if key is None:
            return None
        ident = org.get("identifier") or {}
        name = ident.get("legalName") or org.get("name") or key
        if key not in self.firms:
            addr = org.get("address") or {}
            address = " ".join(str(addr[k]) for k in ("streetAddress", "locality", "region", "postalCode",
                                                        "countryName") if addr.get(k)) or None
            row = {"uscc": key, "name": " ".join(str(name).split()), "address": address,
                   "id_scheme": key.split(":", 1)[0] if ":" in key else "CN-USCC",
                   "country": addr.get("countryName"), "source_url": url}
            contact = org.get("contactPoint") or {}
            if contact.get("telephone"):
                row["phone"] = contact["telephone"]
            self.firms[key] = row
            self.origins["enterprises", key] = self.origin
        return key

    def roles(self, parties: dict, url: str | None) -> dict[str, list[str]]:
        """The firm keys of the parties, by role (buyer, supplier, funder …)."""
        by_role: dict[str, list[str]] = defaultdict(list)
        for party in parties.values():
            key = self.firm(party, url)
            for role in party.get("roles") or []:
                if key:
                    by_role[role].append(key)
        return by_role

    # --- OCDS ---------------------------------------------------------------------------
    def release(self, r: dict, url: str | None) -> None:
        if not isinstance(r, dict) or not r.get("ocid"):
            self.problem("not a release (no ocid)", r)
            return
        self.releases += 1
        ocid = str(r["ocid"])
        tender_no = ocid if "-" in ocid else f"OCDS-{ocid}"
        self.ocids.add(ocid)
        parties = {p.get("id"): p for p in r.get("parties") or [] if isinstance(p, dict)}

        def party(ref):
            if not ref:
                return None
            full = parties.get(ref.get("id")) if ref.get("id") in parties else None
            return self.firm({**(full or {}), **{k: v for k, v in ref.items() if v}}, url)

        by_role = self.roles(parties, url)
        buyer = party(r.get("buyer")) or (by_role["buyer"] or [None])[0]
        tender = r.get("tender") or {}
        procuring = party(tender.get("procuringEntity")) or (by_role["procuringEntity"] or [None])[0]
        budget = (r.get("planning") or {}).get("budget") or {}
        # A process that names no project stands for its own (tenders need a project).
        project = self.project(budget.get("projectID") or tender_no,
                               budget.get("project") or budget.get("description") or tender.get("title"), buyer, url)
        for funder in by_role["funder"]:
            if project:
                self.add("participations", project_code=project, uscc=funder, role="出资方", source_url=url)
        opened = _date((tender.get("tenderPeriod") or {}).get("startDate")) or _date(tender.get("datePublished")) \
            or _date(r.get("date"))
        base = {"tender_no": tender_no, "project_code": project, "method": tender.get("procurementMethod"),
                "open_date": opened, "title": tender.get("title"), "ocid": ocid, "source_url": url,
                "agency_uscc": procuring if procuring and procuring != buyer else None}
        winners = []
        for award in r.get("awards") or []:
            self.awards += 1
            value = award.get("value") or {}
            contracts = [c for c in r.get("contracts") or [] if c.get("awardID") == award.get("id")]
            for s in award.get("suppliers") or []:
                key = party(s)
                if not key:
                    continue
                self.suppliers.add(key)
                winners.append(key)
                self.add("bids", tender_no=tender_no, uscc=key, outcome="中标", source_url=url,
                         **_money(value, "price"))
                if project:
                    self.add("participations", project_code=project, uscc=key, role="中标单位",
                             award_id=award.get("id"), award_date=_date(award.get("date")),
                             contract_no=",".join(str(c.get("id")) for c in contracts if c.get("id")) or None,
                             start=_date(((contracts[0].get("period") if contracts else None) or {}).get("startDate")),
                             end=_date(((contracts[0].get("period") if contracts else None) or {}).get("endDate")),
                             source_url=url, **_money(value, "contract_amount"))
        for key in by_role["supplier"]:
            if key not in winners:
                self.suppliers.add(key)
                winners.append(key)
        for w in winners or [None]:
            self.add("tenders", **base, winner_uscc=w)
        bidders = set(winners)
        for bid in (r.get("bids") or {}).get("details") or []:
            status = (bid.get("status") or "").lower()
            for t in bid.get("tenderers") or []:
                key = party(t)
                if key and key not in bidders:
                    bidders.add(key)
                    self.add("bids", tender_no=tender_no, uscc=key, source_url=url,
                             outcome="废标" if status in ("disqualified", "withdrawn") else "未中标",
                             **_money(bid.get("value") or {}, "price"))
        for t in tender.get("tenderers") or []:
            key = party(t)
            if key and key not in bidders:
                bidders.add(key)
                self.add("bids", tender_no=tender_no, uscc=key, outcome="未中标", source_url=url)
        for key in by_role["tenderer"]:
            if key not in bidders:
                bidders.add(key)
                self.add("bids", tender_no=tender_no, uscc=key, outcome="未中标", source_url=url)

    def project(self, pid, name, owner, url) -> str | None:
        if not pid:
            return None
        code = str(pid).strip()
        if code not in self.projects:
            self.projects[code] = {"project_code": code, "name": " ".join(str(name or code).split()),
                                   "owner_uscc": owner, "source_url": url}
            self.origins["projects", code] = self.origin
        elif owner and not self.projects[code].get("owner_uscc"):
            self.projects[code]["owner_uscc"] = owner
        return code

    # --- OC4IDS -------------------------------------------------------------------------
    def oc4ids_project(self, p: dict, url: str | None) -> None:
        if not isinstance(p, dict) or not p.get("id"):
            self.problem("not an OC4IDS project (no id)", p)
            return
        parties = {x.get("id"): x for x in p.get("parties") or [] if isinstance(x, dict)}
        by_role = self.roles(parties, url)
        owner = (by_role["buyer"] or by_role["publicAuthority"] or [None])[0]
        code = self.project(p["id"], p.get("title"), owner, url)
        row = self.projects[code]
        budget = (p.get("budget") or {}).get("amount") or {}
        if (budget.get("currency") or "").upper() == "CNY" and budget.get("amount") is not None:
            row["total_investment"] = round(float(budget["amount"]) / 10000, 2)
        for k in ("status", "sector", "purpose"):
            if p.get(k):
                row[k] = p[k] if isinstance(p[k], str) else ",".join(map(str, p[k]))
        period = p.get("period") or {}
        row["start_date"], row["completion_date"] = _date(period.get("startDate")), _date(period.get("endDate"))
        for funder in by_role["funder"]:
            self.add("participations", project_code=code, uscc=funder, role="出资方", source_url=url)
        for cp in p.get("contractingProcesses") or []:
            summary = cp.get("summary") or {}
            tender = summary.get("tender") or {}
            ocid = str(summary.get("ocid") or cp.get("id"))
            self.ocids.add(ocid)
            tender_no = ocid if "-" in ocid else f"OCDS-{ocid}"
            procuring = self.firm(tender.get("procuringEntity"), url) if tender.get("procuringEntity") else None
            base = {"tender_no": tender_no, "project_code": code, "title": summary.get("title") or tender.get("title"),
                    "method": tender.get("procurementMethod"), "ocid": ocid, "source_url": url,
                    "open_date": _date((tender.get("tenderPeriod") or {}).get("startDate")),
                    "agency_uscc": procuring if procuring and procuring != owner else None}
            winners = []
            value = summary.get("contractValue") or {}
            for s in summary.get("suppliers") or []:
                key = self.firm(parties.get(s.get("id"), s) if isinstance(s, dict) else None, url)
                if key:
                    self.awards += 1
                    self.suppliers.add(key)
                    winners.append(key)
                    self.add("bids", tender_no=tender_no, uscc=key, outcome="中标", source_url=url)
                    self.add("participations", project_code=code, uscc=key, role="中标单位", source_url=url,
                             **_money(value, "contract_amount"))
            for w in winners or [None]:
                self.add("tenders", **base, winner_uscc=w)
            for t in tender.get("tenderers") or []:
                key = self.firm(parties.get(t.get("id"), t), url)
                if key and key not in winners:
                    self.add("bids", tender_no=tender_no, uscc=key, outcome="未中标", source_url=url)

    def finish(self, kind: str) -> Converted:
        rows = self.out.rows
        rows["enterprises"] = [(*self.origins["enterprises", k], r) for k, r in self.firms.items()]
        rows["projects"] = [(*self.origins["projects", k], r) for k, r in self.projects.items()]
        for code, p in self.projects.items():
            if p.get("owner_uscc"):
                self.origin = self.origins["projects", code]
                self.add("participations", project_code=p["project_code"], uscc=p["owner_uscc"], role="建设单位",
                         source_url=p.get("source_url"))
        merged = self._merge("participations", ("project_code", "uscc", "role")) + self._merge("bids", ("tender_no", "uscc"))
        self.out.summary = {
            ("projects" if kind == "oc4ids" else "releases"): (len(self.projects) if kind == "oc4ids" else self.releases),
            "contracting_processes": len(self.ocids), "awards": self.awards, "suppliers": len(self.suppliers),
            "parties": len(self.firms), "projects": len(self.projects),
        }
        if merged:
            self.out.summary["rows_merged"] = merged
        return self.out

    def _merge(self, table: str, key: tuple[str, ...]) -> int:
        """One row of ``table`` per ``key`` (the graph holds one relationship for it, and the loader refuses
        a second row with other values). A firm awarded several contracts of one project keeps the last
        one's fields, as loading the rows one after the other did, and says how many rows it stands for
        (``awards_merged``). Returns how many rows were merged away."""
        groups: dict[tuple, list[SourceRow]] = {}
        for item in self.out.rows.get(table, []):
            groups.setdefault(tuple(item[2].get(k) for k in key), []).append(item)
        merged, out = 0, []
        for items in groups.values():
            distinct = len({json.dumps(r, sort_keys=True, default=str) for _, _, r in items})
            file, line, last = items[-1]
            last = dict(last)
            if distinct > 1:
                last["awards_merged"] = distinct
                merged += distinct - 1
            out.append((file, line, last))
        if table in self.out.rows:
            self.out.rows[table] = out
        return merged


def _money(value: dict, field_name: str) -> dict:
    amount, currency = value.get("amount"), (value.get("currency") or "").upper() or None
    out = {"amount": amount, "currency": currency}
    if amount is not None and currency == "CNY":
        out[field_name] = round(float(amount) / 10000, 4)
    return out


# --- reading ------------------------------------------------------------------------------

def _files(path: Path) -> list[Path]:
    files = files_inside(path, lambda p, top: p.suffix.lower() in (".json", ".jsonl"))
    if not files:
        raise InvalidInput(f"{path} holds no .json or .jsonl files")
    return files


def _documents(path: Path) -> Iterator[tuple[Path, int | None, object]]:
    for f in _files(path):
        text = f.read_text(encoding="utf-8-sig")
        if f.suffix.lower() == ".jsonl":
            for n, line in enumerate(text.splitlines(), 1):
                if line.strip():
                    try:
                        yield f, n, json.loads(line)
                    except json.JSONDecodeError as e:
                        raise InvalidInput(f"{f.name} line {n}: not JSON ({e.msg})") from None
        else:
            try:
                yield f, None, json.loads(text)
            except json.JSONDecodeError as e:
                raise InvalidInput(f"{f.name}: not JSON ({e.msg} at line {e.lineno})") from None


def convert(path: Path, kind: str, source: str, id_scheme: str | None = None) -> Converted:
    """The rows of the CSV-folder tables for an OCDS or OC4IDS file or folder, each with its origin."""
    b = _Builder(source, id_scheme.upper() if id_scheme else None)
    root = Path(path)
    for f, line, doc in _documents(path):
        name = f.relative_to(root).as_posix() if root.is_dir() else f.name  # the file as the rejects name it
        b.origin, b.path = (name, line), ""
        if not isinstance(doc, dict):
            b.problem("not a JSON object", doc)
            continue
        url = doc.get("uri") or (doc.get("packageInfo") or {}).get("uri")
        url = url if isinstance(url, str) and url.startswith(("http://", "https://")) else None

        def at(n: int, array: str) -> None:  # the record's origin: its line in a .jsonl file, else its place in the package
            b.origin = (name, line or n)
            b.path = f"{array}[{n - 1}]"

        if kind == "oc4ids":
            projects = doc.get("projects") if "projects" in doc else ([doc] if "contractingProcesses" in doc or "id" in doc else None)
            if projects is None:
                b.problem("not an OC4IDS project package", doc)
                continue
            for n, p in enumerate(projects, 1):
                at(n, "projects")
                b.oc4ids_project(p, url)
            continue
        if "releases" in doc:
            for n, r in enumerate(doc["releases"] or [], 1):
                at(n, "releases")
                b.release(r, url)
        elif "records" in doc:
            for n, rec in enumerate(doc["records"] or [], 1):
                at(n, "records")
                compiled = rec.get("compiledRelease")
                if compiled:
                    b.release(compiled, url)
                else:
                    rels = [r for r in rec.get("releases") or [] if isinstance(r, dict) and r.get("ocid")]
                    if rels:
                        b.release(max(rels, key=lambda r: r.get("date") or ""), url)
                    else:
                        b.problem(f"record {rec.get('ocid')} has neither a compiled release nor embedded releases",
                                  rec)
        elif "ocid" in doc:
            b.release(doc, url)
        else:
            b.problem("neither a release, a release package nor a record package", doc)
    if not b.releases and not b.projects:
        raise InvalidInput(f"{path}: no OCDS releases or OC4IDS projects found"
                           + (f" ({b.out.problems[0]})" if b.out.problems else ""))
    return b.finish(kind)


def source(path: Path, kind: str, name: str, id_scheme: str | None = None) -> RowsSource:
    """An OCDS or OC4IDS file or folder as a source for the loader; its summary (releases, awards …)
    goes into the load's report."""
    conv = convert(path, kind, name, id_scheme)
    rows = dict(conv.rows)
    if conv.refused:  # records that could not be converted: refused, with their path, as the records they are
        table = "projects" if kind == "oc4ids" else "tenders"
        rows[table] = list(rows.get(table) or []) + conv.refused
        conv.summary["records_not_converted"] = len(conv.refused)
    return RowsSource(name, kind, Path(path).name, rows, dict(conv.summary))
