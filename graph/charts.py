"""The data behind the pictures: penalties over time by measure and by province (the home page,
an authority's page) and the history of a firm or a person as a timeline (their pages). Each
returns plain data the web serves as a small JSON endpoint; the page draws it with ECharts.

Penalties are counted once over the years shown (``chart_penalties.cypher``: one range on the
indexed decision date) and the web keeps the answer a while, so a home page on a large graph
never waits for the count (the chart asks for it after the page has drawn). Measures are the
vocabulary's terms (their code, Chinese and English names); a measure the vocabulary does not
know counts as "other". Provinces are the first two digits of the subject's region code
(GB/T 2260), named from :data:`PROVINCES`.
"""

from __future__ import annotations

import datetime as dt

from .db import Graph
from .messages import N_
from .vocabulary import measure_of

#: The province-level divisions of GB/T 2260 (codes' first two digits), named by English msgids
#: (the Chinese names are their translations in the catalogue).
PROVINCES = {
    "11": N_("Beijing"), "12": N_("Tianjin"), "13": N_("Hebei"), "14": N_("Shanxi"), "15": N_("Inner Mongolia"),
    "21": N_("Liaoning"), "22": N_("Jilin"), "23": N_("Heilongjiang"), "31": N_("Shanghai"),
    "32": N_("Jiangsu"), "33": N_("Zhejiang"), "34": N_("Anhui"), "35": N_("Fujian"), "36": N_("Jiangxi"),
    "37": N_("Shandong"), "41": N_("Henan"), "42": N_("Hubei"), "43": N_("Hunan"), "44": N_("Guangdong"),
    "45": N_("Guangxi"), "46": N_("Hainan"), "50": N_("Chongqing"), "51": N_("Sichuan"), "52": N_("Guizhou"),
    "53": N_("Yunnan"), "54": N_("Tibet"), "61": N_("Shaanxi"), "62": N_("Gansu"), "63": N_("Qinghai"),
    "64": N_("Ningxia"), "65": N_("Xinjiang"), "71": N_("Taiwan"), "81": N_("Hong Kong"), "82": N_("Macao"),
}
OTHER = "other"
OTHER_MEASURE, OTHER_REGION = N_("other"), N_("unknown region")
YEARS = 10  # the years the penalty chart shows


def _province(region) -> str | None:
    code = str(region or "")[:2]
    return code if code in PROVINCES else None


def penalties(graph: Graph, authority: str | None = None, today: dt.date | None = None, years: int = YEARS) -> dict:
    """Penalties per year and measure, and per province, over the last ``years`` years (of one
    authority if named): ``{"years", "measures": [{"code", "counts"}], "provinces":
    [{"code", "n"}], "total"}``, measures and provinces largest first."""
    today = today or dt.date.today()
    since = dt.date(today.year - years + 1, 1, 1)
    if authority is None:
        rows = graph.query("chart_penalties", since=since)
    else:
        rows = graph.query("chart_authority_penalties", name=authority, since=since)
    year_list = [str(y) for y in range(since.year, today.year + 1)]
    index = {y: i for i, y in enumerate(year_list)}
    by_measure: dict[str, list[int]] = {}
    by_province: dict[str | None, int] = {}
    total = 0
    for r in rows:
        if r["year"] not in index:
            continue
        term = measure_of(r["measure"])
        code = term.code if term else OTHER
        by_measure.setdefault(code, [0] * len(year_list))[index[r["year"]]] += r["n"]
        prov = _province(r["region"])
        by_province[prov] = by_province.get(prov, 0) + r["n"]
        total += r["n"]
    # Codes only: the web names them in the request's language (vocabulary terms, PROVINCES' msgids).
    measures = [{"code": c, "counts": counts} for c, counts in sorted(by_measure.items(), key=lambda kv: -sum(kv[1]))]
    provinces = [{"code": p or "", "n": n} for p, n in sorted(by_province.items(), key=lambda kv: -kv[1])]
    return {"years": year_list, "measures": measures, "provinces": provinces, "total": total,
            "authority": authority, "since": since}


#: The rows of a timeline, in order (English msgids).
TIMELINE_KINDS = {"qualification": N_("Qualifications"), "registration": N_("Registrations"),
                  "project": N_("Projects"), "penalty": N_("Penalties"), "award": N_("Awards")}


def _iso(value) -> str | None:
    if value in (None, ""):
        return None
    return value.isoformat() if isinstance(value, dt.date) else str(value)[:10]


def _event(kind: str, start, end, text, route: str, key) -> dict | None:
    start, end = _iso(start), _iso(end)
    if not start and not end:
        return None
    return {"kind": kind, "start": start or end, "end": end if start else None, "text": str(text or key or ""),
            "route": route, "key": None if key is None else str(key)}


def timeline(route: str, data: dict) -> list[dict]:
    """A firm's or a person's history from its page's view model (:func:`graph.queries.profile`):
    one event per qualification, registration, project, penalty and award, with its dates (a
    start, and an end where the record has one), its text and the entity it links to."""
    events: list[dict | None] = []
    if route == "enterprise":
        events += [_event("qualification", q.get("issued"), q.get("expires"),
                          " ".join(filter(None, (q.get("category"), q.get("specialty"), q.get("grade")))) or q.get("cert_no"),
                          "qualification", q.get("cert_no")) for q in data.get("qualifications", [])]
        events += [_event("registration", r.get("valid_from"), r.get("valid_until"),
                          " ".join(filter(None, (r.get("name"), r.get("reg_type")))), "person", r.get("person_id"))
                   for r in data.get("registered", [])]
        events += [_event("project", p.get("start_date"), None, p.get("name") or p.get("project_code"), "project",
                          p.get("project_code")) for p in data.get("projects", []) + data.get("owned", [])]
    elif route == "person":
        events += [_event("registration", r.get("valid_from"), r.get("valid_until"),
                          " ".join(filter(None, (r.get("enterprise_name"), r.get("reg_type")))), "enterprise", r.get("uscc"))
                   for r in data.get("registrations", [])]
        events += [_event("project", p.get("start"), p.get("end"), p.get("name") or p.get("project_code"), "project",
                          p.get("project_code")) for p in data.get("projects", [])]
    events += [_event("penalty", p.get("decision_date"), p.get("valid_until"),
                      " ".join(filter(None, (p.get("measure"), p.get("penalty_id")))), "penalty", p.get("penalty_id"))
               for p in data.get("penalties", [])]
    events += [_event("award", a.get("date"), None, a.get("name") or a.get("award_id"), "award", a.get("award_id"))
               for a in data.get("awards", [])]
    return sorted((e for e in events if e), key=lambda e: (e["start"], e["kind"]))
