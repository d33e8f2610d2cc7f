"""Writes pairs.csv, the labelled evaluation set of entity matching (run from the repository root:
``python tests/data/matching/build.py``; the output is committed, this script says how it was made).

Columns: a, b, same (yes / no / branch: a is a branch of b), why, and what each record carries
beside its name: a_country, b_country, a_list, b_list (records of one list), a_address, b_address,
a_id, b_id (an identifier found in the record), a_zh, b_zh (a Chinese legal name given beside).

- NAICM suppliers (the GACM OCDS releases, awards_suppliers.DERIVED.csv): names one RFC carries in
  different spellings (the same firm: yes, the RFC withheld from the matcher), and near names of
  different RFCs (hard negatives: no).
- The EBRD ineligible-firms list: entries against a variant of their own name as another list writes
  it (case, legal form spelt out, accents dropped, country written otherwise: yes); pairs of
  different entries with near names (no, records of one list); one entry against the same name in
  another country (no); the two entries named "China Gezhouba Group Construction Engineering Co., Ltd."
  at two addresses (no: two entries of one list kept apart).
- Written by hand: Chinese and Latin names, branches in both word orders and 分公司 names,
  transliterations and accents, honorifics, short names in brackets, identifiers, hard negatives.
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

from normality import ascii_text
from rapidfuzz.distance import Indel

HERE = Path(__file__).parent
REAL = Path(__file__).resolve().parents[4] / "shared" / "data" / "real"
COLS = ["a", "b", "same", "why", "a_country", "b_country", "a_list", "b_list", "a_address", "b_address",
        "a_id", "b_id", "a_zh", "b_zh"]
BAD_RFC = {"", "0", "NO APLICA"}
RFC = re.compile(r"^[A-Z&Ñ]{3,4}\d{6}[A-Z0-9]{3}$")  # a firm's (3 letters) or a person's (4) RFC
UNITS = {"FIC000330LK9", "UNA2907227Y5", "INA-770420-DW1", "CFE370814QI0"}  # one RFC, several institutions


def key(s: str) -> str:
    s = re.sub(r"\b(s\.?\s?a\.?( de c\.?\s?v\.?)?|s\.?\s?c\.?|a\.?\s?c\.?|co\.?,? ltd\.?)\s*$", "", s.lower())
    return re.sub(r"[^a-z0-9]", "", ascii_text(s) or "")


def naicm(rows: list[dict]) -> None:
    by_rfc: dict[str, set[str]] = {}
    for r in csv.DictReader(open(REAL / "gacm-naicm-ocds" / "awards_suppliers.DERIVED.csv", encoding="utf-8")):
        rfc = r["supplier_rfc"].strip()
        if rfc in BAD_RFC or rfc in UNITS or not RFC.match(rfc):
            continue  # no RFC, a name or a CURP written in its place: no label to take from it
        by_rfc.setdefault(rfc, set()).add(" ".join(r["supplier_name"].split()) if False else r["supplier_name"].strip())
    for rfc, names in sorted(by_rfc.items()):
        names = sorted(names)
        for i, a in enumerate(names):
            for b in names[i + 1:]:
                if Indel.normalized_similarity(key(a), key(b)) >= 0.8:
                    rows.append({"a": a, "b": b, "same": "yes", "why": f"NAICM: one RFC ({rfc}), two spellings",
                                 "a_country": "MX", "b_country": "Mexico", "a_list": "", "b_list": ""})
    firsts = [(rfc, sorted(n)[0]) for rfc, n in sorted(by_rfc.items())]
    negatives = []
    for i, (ra, a) in enumerate(firsts):
        for rb, b in firsts[i + 1:]:
            ratio = Indel.normalized_similarity(key(a), key(b))
            # two RFCs that differ by a typo (RIN040823510 / RIN040823510.) are one firm: not a negative
            if 0.6 <= ratio < 0.97 and Indel.normalized_similarity(ra, rb) < 0.75:
                negatives.append((ratio, a, b, ra, rb))
    for ratio, a, b, ra, rb in sorted(negatives, reverse=True)[:40]:
        rows.append({"a": a, "b": b, "same": "no", "why": f"NAICM: near names, two RFCs ({ra}, {rb})",
                     "a_country": "Mexico", "b_country": "Mexico"})


LEGAL = [(r"Co\., ?Ltd\.?\s*$", "COMPANY LIMITED"), (r"Limited\s*$", "Ltd"), (r"A\.S\.\s*$", "Anonim Sirketi"),
         (r"LLC\s*$", "L.L.C."), (r"S\.A\.\s*$", "SA")]
COUNTRY = {"People's Republic of China": "China", "Peoples Republic of China": "CN", "China": "中国",
           "Türkiye": "Turkey", "India": "IN", "Nigeria": "Federal Republic of Nigeria"}


def variant(name: str, n: int) -> str:
    name = " ".join(name.split())
    kind = n % 4
    if kind == 0:
        for pat, rep in LEGAL:
            if re.search(pat, name):
                return re.sub(pat, rep, name).upper()
        return name.upper()
    if kind == 1:
        return ascii_text(name) or name
    if kind == 2:
        return re.sub(r"[.,]", "", name).lower()
    return name.replace("(", "（").replace(")", "）").replace("  ", " ") + " "


def ebrd(rows: list[dict]) -> None:
    path = REAL / "mdb-debarment" / "european_bank_for_reconstruction_and_development_ineligible_firms.csv"
    entries = [{k.strip().lstrip("\ufeff"): (v or "").strip() for k, v in r.items()}
               for r in csv.DictReader(open(path, encoding="utf-8-sig"))]
    entries = [e for e in entries if e["Firm Name"]]
    chosen = entries[::9][:110]
    for n, e in enumerate(chosen):
        v = variant(e["Firm Name"], n)
        rows.append({"a": e["Firm Name"], "b": v, "same": "yes", "why": "EBRD entry and the same firm as another list writes it",
                     "a_country": e["Nationality"], "b_country": COUNTRY.get(e["Nationality"], e["Nationality"]) if n % 3 else "",
                     "a_list": "ebrd", "b_list": "wb"})
    # near names of different entries of the list (one list: only strong evidence links)
    keys = [(key(e["Firm Name"]), e) for e in entries]
    near = []
    for i, (ka, a) in enumerate(keys):
        for kb, b in keys[i + 1:i + 60]:
            if ka != kb and ka[:4] == kb[:4]:
                r = Indel.normalized_similarity(ka, kb)
                if r >= 0.85:
                    near.append((r, a, b))
    for r, a, b in sorted(near, key=lambda x: -x[0])[:45]:
        rows.append({"a": a["Firm Name"], "b": b["Firm Name"], "same": "no", "why": f"EBRD: two entries, near names ({r:.2f})",
                     "a_country": a["Nationality"], "b_country": b["Nationality"], "a_list": "ebrd", "b_list": "ebrd",
                     "a_address": a["Address"], "b_address": b["Address"]})
    # the same names in other countries, as another list (different firms)
    others = ["Kazakhstan", "Brazil", "Mongolia", "Nigeria", "Georgia", "Egypt"]
    for n, e in enumerate(entries[5::37][:25]):
        other = next(c for c in others[n % 6:] + others if c.lower() not in e["Nationality"].lower())
        rows.append({"a": e["Firm Name"], "b": e["Firm Name"], "same": "no", "why": "one name, two countries",
                     "a_country": e["Nationality"], "b_country": other, "a_list": "ebrd", "b_list": "idb"})
    twins = [e for e in entries if " ".join(e["Firm Name"].split()) == "China Gezhouba Group Construction Engineering Co., Ltd."]
    if len(twins) == 2:
        a, b = twins
        rows.append({"a": a["Firm Name"], "b": b["Firm Name"], "same": "no", "why": "EBRD: one English name, two addresses",
                     "a_country": a["Nationality"], "b_country": b["Nationality"], "a_list": "ebrd", "b_list": "ebrd",
                     "a_address": a["Address"], "b_address": b["Address"]})


def by_hand(rows: list[dict]) -> None:
    for line in csv.DictReader(open(HERE / "by_hand.csv", encoding="utf-8")):
        rows.append({k: v for k, v in line.items() if k in COLS})


def main() -> int:
    rows: list[dict] = []
    naicm(rows)
    ebrd(rows)
    by_hand(rows)
    seen, out = set(), []
    for r in rows:
        k = (r["a"], r["b"], r.get("a_country"), r.get("b_country"), r.get("a_address"), r.get("b_address"))
        if k not in seen:
            seen.add(k)
            out.append({c: r.get(c, "") for c in COLS})
    with open(HERE / "pairs.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=COLS)
        w.writeheader()
        w.writerows(out)
    counts = {s: sum(1 for r in out if r["same"] == s) for s in ("yes", "no", "branch")}
    print(f"{len(out)} pairs: {counts}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
