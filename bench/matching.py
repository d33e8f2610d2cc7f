"""Entity matching on the labelled evaluation set: precision and recall at the default threshold.

    python bench/matching.py [--threshold 0.9] [--set tests/data/matching/pairs.csv] [--show-errors]
    python bench/run.py --only matching

Each labelled pair (tests/data/matching/pairs.csv; how it was made: build.py beside it) becomes two
records with what the pair's columns give (country, list, address, an identifier, a Chinese name),
and the matcher proposes links between them exactly as ``chengxin match`` does over a graph
(:func:`chengxin.graph.matching.propose`: blocking, features, vetoes). A pair counts as linked when
a link of at least the threshold is proposed; it is right when the label says ``yes`` and the link is
SAME_AS, or ``branch`` and the link is BRANCH_OF from a to b. No database, no load: a second or two.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

from chengxin.graph import matching
from chengxin.graph.settings import Settings

SET = Path(__file__).resolve().parents[1] / "tests" / "data" / "matching" / "pairs.csv"


def _record(row: dict, side: str) -> dict:
    return {"key": f"XX-LIST:eval:{side}", "name": row[side], "country": row.get(f"{side}_country") or None,
            "list_id": row.get(f"{side}_list") or None, "source": row.get(f"{side}_list") or f"eval-{side}",
            "address": row.get(f"{side}_address") or None, "registration_no": row.get(f"{side}_id") or None,
            "name_zh": row.get(f"{side}_zh") or None}


def evaluate(path: Path = SET, threshold: float | None = None, floor: float | None = None) -> dict:
    s = Settings()
    threshold = s.match_threshold if threshold is None else threshold
    floor = s.match_review_floor if floor is None else floor
    with open(path, encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    tp = fp = fn = tn = review = 0
    errors = []
    started = time.perf_counter()
    for row in rows:
        links = matching.propose([_record(row, "a"), _record(row, "b")], floor)
        made = [link for link in links if link["score"] >= threshold]
        best = links[0] if links else None
        review += bool(links and not made)
        label = row["same"]
        if made:
            link = made[0]
            right = (label == "yes" and link["kind"] == "same") or \
                    (label == "branch" and link["kind"] == "branch" and link["from"] == "XX-LIST:eval:a")
            if right:
                tp += 1
            else:
                fp += 1
                errors.append(("false link", row, link))
        elif label in ("yes", "branch"):
            fn += 1
            errors.append(("missed", row, best))
        else:
            tn += 1
    seconds = time.perf_counter() - started
    return {"pairs": len(rows), "threshold": threshold, "tp": tp, "fp": fp, "fn": fn, "tn": tn, "review": review,
            "precision": tp / (tp + fp) if tp + fp else 1.0, "recall": tp / (tp + fn) if tp + fn else 1.0,
            "seconds": round(seconds, 2), "errors": errors}


REAL = Path(__file__).resolve().parents[2] / "shared" / "data" / "real"


def real_lists() -> dict:
    """Matching over real records: every EBRD entry (one list, its addresses and countries) and every
    NAICM supplier (keyed by RFC): links made and pairs for review, within the list and across."""
    records, seen = [], set()
    path = REAL / "mdb-debarment" / "european_bank_for_reconstruction_and_development_ineligible_firms.csv"
    with open(path, encoding="utf-8-sig") as f:
        for n, r in enumerate(csv.DictReader(f)):
            r = {k.strip(): (v or "").strip() for k, v in r.items()}
            records.append({"key": f"XX-LIST:ebrd:{n}", "name": r["Firm Name"], "country": r["Nationality"] or None,
                            "address": r["Address"] or None, "list_id": "ebrd", "source": "ebrd"})
    with open(REAL / "gacm-naicm-ocds" / "awards_suppliers.DERIVED.csv", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            key = f"MX-RFC:{r['supplier_rfc'].strip()}" if r["supplier_rfc"].strip() not in ("", "0") else \
                f"XX-NAME:{r['supplier_name'].strip().upper()}"
            if key not in seen:
                seen.add(key)
                records.append({"key": key, "name": r["supplier_name"], "country": "Mexico", "source": "naicm"})
    s = Settings()
    started = time.perf_counter()
    links = matching.propose([r for r in records if r["name"]], s.match_review_floor)
    seconds = time.perf_counter() - started
    within = [link for link in links if link["from"].startswith("XX-LIST:ebrd") and link["to"].startswith("XX-LIST:ebrd")]
    return {"records": len(records), "links": len(links), "made": sum(link["score"] >= s.match_threshold for link in links),
            "within_list_made": sum(link["score"] >= s.match_threshold for link in within),
            "within_list_review": sum(link["score"] < s.match_threshold for link in within), "seconds": round(seconds, 2),
            "examples": [link for link in within if link["score"] >= s.match_threshold][:5]}


def report(found: dict, show_errors: bool = False) -> None:
    print(f"entity matching, {found['pairs']} labelled pairs at threshold {found['threshold']}: "
          f"precision {found['precision']:.1%} ({found['tp']} right of {found['tp'] + found['fp']} links), "
          f"recall {found['recall']:.1%} ({found['tp']} of {found['tp'] + found['fn']} same-entity pairs); "
          f"{found['review']} pairs left for review; {found['seconds']} s")
    if show_errors:
        for what, row, link in found["errors"]:
            score = f"{link['score']:.3f} {link['kind']} {[f['code'] for f in link['features']]}" if link else "-"
            print(f"  {what}: [{row['same']}] {row['a']!r} / {row['b']!r} ({row['why']}): {score}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--threshold", type=float)
    ap.add_argument("--set", type=Path, default=SET)
    ap.add_argument("--show-errors", action="store_true")
    ap.add_argument("--real", action="store_true", help="also match every EBRD entry and NAICM supplier (real files)")
    args = ap.parse_args(argv)
    report(evaluate(args.set, args.threshold), args.show_errors)
    if args.real:
        r = real_lists()
        print(f"real records (EBRD list + NAICM suppliers): {r['records']}, {r['links']} links proposed, {r['made']} made "
              f"at the threshold; within the EBRD list {r['within_list_made']} made (strong evidence only), "
              f"{r['within_list_review']} for review; {r['seconds']} s")
        for link in r["examples"]:
            print(f"  {link['from']} ⟷ {link['to']}: {link['score']} {[f['code'] for f in link['features']]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
