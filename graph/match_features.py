"""What entity matching compares, and how a pair's score is made: features with weights.

A record is a dict: ``key`` (USCC or ``SCHEME:ID``), ``name``, and what else its source gives:
``alt_name``, ``name_zh`` (a Chinese legal name), ``aliases``, ``registration_no``,
``registered_uscc`` (a USCC found in a list entry), ``country``, ``address``, ``source``,
``list_id``, ``entity_kind`` (firm / individual). :func:`prepare` derives the comparison forms once;
:func:`compare` scores a pair:

    score = identifier ? 1.0 : clamp(name evidence + Σ adjustments, 0, 1)

- **name evidence**, the strongest that holds (:data:`NAME_WEIGHTS`): the same full legal name
  once normalised (1.00); a Chinese legal name given beside the English one (0.97); the same name
  without the legal form (0.95); the same name once transliterated and stripped of accents and
  honorifics (0.93); an alias or a bracketed short name (``("Computech")``, 0.92); otherwise a near
  name, 0.9 × the Indel ratio of the normalised names (difflib's ratio).
- **identifiers**: a USCC or registration number found in one record equal to the other's (1.0,
  whatever the names), or an old 组织机构代码 (``XX-ORGCODE:<code>``, the national platform's) equal to
  the one a USCC holds at positions 9-17; two identifiers of one register that differ, or two registration numbers
  that differ (in one country), mean two firms (never linked).
- **adjustments** (:data:`ADJUSTMENTS`): same country +0.02, different countries −0.15 (one name in
  two countries waits for a person, never linked on its own); same
  address +0.03; legal forms of different families (S.A. against Ltd, S.C. against A.C.) −0.08;
  both names carry numbers and they differ (No.1 and No.2, 第一 and 第二, Third and Fourth) −0.20.
- **vetoes**: a person and a firm; two records of one list that share no identifier and not
  their full legal name ("shared notes" — a case-note marker, an alias — are never evidence), or
  that do but are listed in different countries or at different addresses (two branches given one
  English name, one name in two countries) are not proposed; one list's same full legal name at one
  address is capped below the threshold when the addresses are unknown on either side.

Every feature that played is returned with its code, weight and detail, stored on the link
(``features``, JSON) and shown on the firm's page, on ``/review``, by ``chengxin review`` and in
the JSON.
"""

from __future__ import annotations

import json
from functools import lru_cache

from rapidfuzz import fuzz
from rapidfuzz.distance import Indel

from .messages import N_
from .names import (branch_parents, chinese_name, latin_key, legal_form, normalise, numbers, short_names,
                    without_honorific)

#: Name evidence, strongest first: (code, weight, label).
NAME_WEIGHTS: dict[str, float] = {
    "same_full_name": 1.00,
    "chinese_name": 0.97,
    "same_name": 0.95,
    "transliteration": 0.93,
    "alias": 0.92,
}
#: The near-name evidence: this × the Indel ratio of the normalised names.
NEAR_NAME_FACTOR = 0.9
#: A branch pattern (…分公司, X Branch, Branch of X, Third Construction Branch of X) naming a known parent.
BRANCH_WEIGHT = 0.93
#: Added to the name evidence.
ADJUSTMENTS: dict[str, float] = {
    "same_country": 0.02,
    "country_conflict": -0.15,
    "same_address": 0.03,
    "legal_form_conflict": -0.08,
    "number_conflict": -0.20,
}
#: One list's same full legal name, when either side has no address: kept for a person.
SAME_LIST_CAP = 0.85

#: Every feature's label (English msgid; the edges translate it).
LABELS: dict[str, str] = {
    "same_identifier": N_("same identifier"),
    "same_full_name": N_("same full legal name"),
    "chinese_name": N_("the Chinese name given beside the English one matches"),
    "same_name": N_("same name without the legal form"),
    "transliteration": N_("same name once transliterated (accents, honorifics, pinyin)"),
    "alias": N_("an alias or short name matches"),
    "similar_name": N_("similar names"),
    "branch": N_("a branch of the other"),
    "same_country": N_("same country"),
    "country_conflict": N_("different countries"),
    "same_address": N_("same address"),
    "legal_form_conflict": N_("different legal forms"),
    "number_conflict": N_("different numbers in the names (No.1 and No.2, 第一 and 第二)"),
    "same_list": N_("both on one list: only strong evidence counts"),
    "honorific": N_("honorific left out"),
}

_LTD = {"ltd", "coltd", "co", "corp", "inc", "llc", "plc", "pte", "pvt", "company", "有限公司"}
_SA = {"sa", "sacv", "sapi", "sapidecv", "sab", "sabdecv", "sadecv"}


def _family(form: str | None) -> str | None:
    if not form:
        return None
    return "ltd" if form in _LTD else "sa" if form in _SA else form


@lru_cache(maxsize=4096)
def country_code(text: str | None) -> str | None:
    """A country as an ISO code (``People's Republic of China``, ``China``, ``中国`` → ``cn``)."""
    if not text or not str(text).strip():
        return None
    from rigour.territories import lookup_territory

    t = lookup_territory(str(text).strip())
    return t.code.split("-")[0] if t else str(text).strip().lower()


def _scheme(key: str) -> str:
    return key.split(":", 1)[0] if ":" in key else "CN-USCC"


def _org_code(key: str) -> str | None:
    """The old 9-character 组织机构代码 a key holds: a USCC's positions 9-17 (GB 32100 built the USCC
    around it), or the code of a firm the national platform knows by it alone (``XX-ORGCODE:<code>``)."""
    scheme = _scheme(key)
    if scheme == "CN-USCC" and len(key) == 18:
        return key[8:17].upper()
    if scheme == "XX-ORGCODE":
        return key.split(":", 1)[1].upper()
    return None


def _registered(key: str) -> bool:
    """The key is a register's identifier (not a name or a list entry standing in for one)."""
    return not _scheme(key).startswith("XX-")


def _as_list(v) -> list[str]:
    if v is None:
        return []
    if isinstance(v, str):
        try:
            parsed = json.loads(v) if v.startswith("[") else [v]
        except ValueError:
            parsed = [v]
        return [str(x) for x in parsed if x]
    return [str(x) for x in v if x]


def _has_letters(s: str) -> bool:
    return any(ch.isalpha() for ch in s)


def prepare(r: dict) -> dict:
    """The record's comparison forms (kept on the record under ``_``-keys)."""
    if "_full" in r:
        return r
    name = r.get("name") or ""
    main, shorts = short_names(name)
    person = (r.get("entity_kind") or "").lower() in ("person", "individual")
    bare = without_honorific(main)
    r["_honorific"] = bare != main
    names = [bare] + ([r["alt_name"]] if r.get("alt_name") else [])
    r["_full"] = {normalise(n, keep_form=True) for n in names if n} - {""}
    r["_core"] = {normalise(n) for n in names if n} - {""}
    zh = [r["name_zh"]] if r.get("name_zh") else []
    zh += [c for n in names for c in [chinese_name(n)] if c]
    r["_zh"] = {normalise(c) for c in zh} - {""}
    r["_latin"] = {latin_key(n) for n in names if n} - {""}
    r["_latin_only"] = all(k.isascii() for k in r["_core"])
    # aliases: a list's AKA names and bracketed short names; a case-note marker (*553) is never a name
    aliases = [a for a in _as_list(r.get("aliases")) + shorts if _has_letters(a)]
    r["_alias"] = {normalise(a) for a in aliases} - {""}
    r["_form"] = _family(legal_form(main))
    r["_country"] = country_code(r.get("country")) or ("cn" if _scheme(r["key"]) == "CN-USCC" else None)
    r["_address"] = " ".join(latin_key(w) for w in (r.get("address") or "").split()) if r.get("address") else ""
    ids = set()
    for v in (r.get("registered_uscc"), r.get("registration_no")):
        if v and str(v).strip():
            ids.add(str(v).strip().upper())
    if _registered(r["key"]):
        ids.add(r["key"].split(":", 1)[-1].upper())
    org = _org_code(r["key"])
    if org:
        ids.add(f"ORG:{org}")
    r["_ids"] = ids
    r["_person"] = person
    r["_kind_known"] = bool(r.get("entity_kind"))
    r["_list"] = r.get("list_id") or (r.get("source") if _scheme(r["key"]) in ("XX-LIST", "XX-NAME") else None)
    r["_branch_parents"] = branch_parents(bare)
    r["_numbers"] = numbers(bare)
    return r


def _feature(code: str, weight: float, **detail) -> dict:
    return {"code": code, "weight": round(weight, 3), **({"detail": detail} if detail else {})}


def _name_evidence(a: dict, b: dict) -> dict | None:
    if a["_full"] & b["_full"]:
        return _feature("same_full_name", NAME_WEIGHTS["same_full_name"])
    if (a["_zh"] & (b["_core"] | b["_zh"])) or (b["_zh"] & a["_core"]):
        return _feature("chinese_name", NAME_WEIGHTS["chinese_name"])
    if a["_core"] & b["_core"]:
        return _feature("same_name", NAME_WEIGHTS["same_name"])
    if a["_latin"] & b["_latin"]:
        return _feature("transliteration", NAME_WEIGHTS["transliteration"])
    if (a["_alias"] & (b["_core"] | b["_alias"])) or (b["_alias"] & a["_core"]):
        return _feature("alias", NAME_WEIGHTS["alias"])
    best = 0.0
    for ka in a["_core"]:
        for kb in b["_core"]:
            best = max(best, Indel.normalized_similarity(ka, kb))
    if a["_latin_only"] != b["_latin_only"]:  # two scripts: compare them written in Latin letters
        for ka in a["_latin"]:
            for kb in b["_latin"]:
                best = max(best, Indel.normalized_similarity(ka, kb))
    if best <= 0:
        return None
    return _feature("similar_name", NEAR_NAME_FACTOR * best, ratio=round(best, 2))


def _address_similar(a: dict, b: dict) -> bool:
    return bool(a["_address"] and b["_address"]) and fuzz.token_set_ratio(a["_address"], b["_address"]) >= 90


def compare(a: dict, b: dict, kind: str = "same", parent: str | None = None) -> dict | None:
    """The score and the features of a pair (``kind`` ``same``, or ``branch``: ``a`` a branch of
    ``b``, whose name ``a`` gives as ``parent``), or None when the pair must not be linked."""
    prepare(a)
    prepare(b)
    if a["key"] == b["key"]:
        return None
    if a["_kind_known"] and b["_kind_known"] and a["_person"] != b["_person"]:
        return None  # a person and a firm
    features = []
    if a["_honorific"] or b["_honorific"]:
        features.append(_feature("honorific", 0.0))
    shared_id = a["_ids"] & b["_ids"]
    if _scheme(a["key"]) == _scheme(b["key"]) == "CN-USCC":  # two USCCs: their own codes decide
        shared_id = {i for i in shared_id if not i.startswith("ORG:")}
    if kind == "same" and shared_id:
        features.append(_feature("same_identifier", 1.0, id=sorted(shared_id)[0]))
        return {"score": 1.0, "features": features}
    if kind == "same" and _registered(a["key"]) and _registered(b["key"]) and _scheme(a["key"]) == _scheme(b["key"]):
        return None  # two identifiers of one register: two firms
    if kind == "same" and a["_ids"] and b["_ids"] and not shared_id and (
            not (a["_country"] and b["_country"]) or a["_country"] == b["_country"]):
        return None  # each carries its registration number, and they differ: two firms
    if kind == "branch":
        name = _feature("branch", BRANCH_WEIGHT)
    else:
        name = _name_evidence(a, b)
        if name is None:
            return None
    features.append(name)
    score = name["weight"]
    same_list = bool(a["_list"]) and a["_list"] == b["_list"]
    if same_list:
        features.append(_feature("same_list", 0.0))
        if kind == "branch":
            if not parent or normalise(parent, keep_form=True) not in b["_full"]:
                return None  # one list: a branch only of the entry its name gives in full
        elif name["code"] != "same_full_name":
            return None
    ca, cb = a["_country"], b["_country"]
    if ca and cb and kind == "same":  # a branch abroad is a branch
        if ca == cb:
            features.append(_feature("same_country", ADJUSTMENTS["same_country"]))
        else:
            if same_list:
                return None
            features.append(_feature("country_conflict", ADJUSTMENTS["country_conflict"], a=ca, b=cb))
    if _address_similar(a, b):
        features.append(_feature("same_address", ADJUSTMENTS["same_address"]))
    elif same_list and kind == "same" and a["_address"] and b["_address"]:
        return None  # one list, one name, two addresses: kept apart (two branches given one English name)
    if kind == "same" and name["code"] not in ("same_full_name", "same_name", "chinese_name") \
            and a["_latin_only"] == b["_latin_only"] and a["_numbers"] and b["_numbers"] and a["_numbers"] != b["_numbers"]:
        features.append(_feature("number_conflict", ADJUSTMENTS["number_conflict"],
                                 a=" ".join(sorted(a["_numbers"])), b=" ".join(sorted(b["_numbers"]))))
    fa, fb = a["_form"], b["_form"]
    if kind == "same" and fa and fb and fa != fb:
        features.append(_feature("legal_form_conflict", ADJUSTMENTS["legal_form_conflict"], a=fa, b=fb))
    score = max(0.0, min(1.0, sum(f["weight"] for f in features)))
    if same_list and kind == "same" and not (a["_address"] and b["_address"]):
        score = min(score, SAME_LIST_CAP)
    return {"score": round(score, 3), "features": features}


def summary(features: list[dict]) -> str:
    """The feature codes of a link, joined (for filters and the one-line reason)."""
    return ", ".join(f["code"] for f in features if f["weight"] or f["code"] in ("same_list", "honorific"))
