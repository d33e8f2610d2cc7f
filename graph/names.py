"""Firm and person names, normalised in one place: a key for identity and a form for matching.

- :func:`fold`: full-width and half-width forms made one (NFKC), runs of white space made one
  space, ends trimmed. Every other form starts here.
- :func:`identity_key`: the folded name in upper case. Records that carry no identifier are keyed
  by it within their source (``XX-NAME:<SOURCE>:<key>``, OCDS parties; a sanctions-list entry is keyed by its
  list and its own entry key, ``XX-LIST:…``, loaders/lists.py), so it must stay stable:
  it keeps brackets, punctuation and legal forms, and changing it changes node keys.
- :func:`normalise`: the comparison key entity matching uses: brackets made one, case folded,
  legal-form suffixes removed (有限公司, 有限责任公司, 股份有限公司, Co., Ltd., Limited, Corporation,
  S.A. de C.V. …; ``keep_form`` keeps them), then spaces and punctuation dropped.
- :func:`chinese_name`: a Chinese legal name written beside an English one;
  :func:`branch_parents`: the names a branch's parent may have.
"""

from __future__ import annotations

import re
import unicodedata

LEGAL_FORMS_ZH = ("股份有限公司", "有限责任公司", "有限公司", "集团公司", "公司")
LEGAL_FORMS_EN = (
    r"s\.?\s?a\.?\s+de\s+c\.?\s?v\.?", r"co\.?,?\s*ltd\.?", r"company\s+limited", r"corporation\s+limited",
    r"limited\s+liability\s+company", r"joint\s+stock\s+company", r"co\.?,?\s*limited", r"limited", r"ltd\.?",
    r"l\.?l\.?c\.?", r"inc\.?", r"incorporated", r"corporation", r"corp\.?", r"company", r"co\.?",
    r"p\.?l\.?c\.?", r"gmbh", r"s\.?a\.?", r"s\.?r\.?l\.?", r"a\.?s\.?", r"jsc", r"llp", r"pte", r"pvt", r"by\s+shares",
)
_EN_TAIL = re.compile(r"(?:[\s,.]+(?:" + "|".join(LEGAL_FORMS_EN) + r"))+[\s,.]*$", re.IGNORECASE)
_BRACKETS = str.maketrans({"（": "(", "）": ")", "【": "(", "】": ")", "[": "(", "]": ")", "〔": "(", "〕": ")"})
_CJK_NAME = re.compile(r"[\u4e00-\u9fff][\u4e00-\u9fff()（）]*(?:公司|集团|院|所|局|厂|中心)")


def fold(text: str | None) -> str:
    """NFKC (full-width letters, digits and punctuation made half-width), white space made one space."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text or "")).strip()


def identity_key(name: str | None) -> str:
    """The key of a name that stands in for an identifier (``XX-NAME:…``): folded, upper case."""
    return fold(name).upper()


def _fold(text: str | None) -> str:
    """:func:`fold` with every kind of bracket made round (after NFKC, which makes ［］ into [])."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text or "").translate(_BRACKETS)).strip()


def normalise(name: str, keep_form: bool = False) -> str:
    """The comparison key of a firm name (``keep_form`` keeps the legal form)."""
    s = _fold(name).lower()
    if not keep_form:
        for _ in range(3):
            before = s
            s = _EN_TAIL.sub("", s)
            for form in LEGAL_FORMS_ZH:
                if s.endswith(form) and len(s) > len(form) + 1:
                    s = s[: -len(form)]
                    break
            if s == before:
                break
    return re.sub(r"[\s.,'\"&()\-_/·・]", "", s)


def chinese_name(name: str) -> str | None:
    """A Chinese legal name written inside a mixed-script name, if there is one."""
    folded = _fold(name)
    if not re.search(r"[a-zA-Z]", folded):
        return None
    found = _CJK_NAME.findall(folded)
    return max(found, key=len) if found else None


def branch_parents(name: str) -> list[str]:
    """When ``name`` is a branch (…分公司, … Branch, Branch of …), the names its parent may have,
    longest first; the caller keeps the first one it knows."""
    folded = _fold(name)
    if folded.endswith("分公司") and len(folded) > 5:
        base = folded[:-3]
        ends = [m.end() for m in re.finditer(r"公司|集团", base) if m.end() < len(base)]
        return [base[:e] for e in sorted(ends, reverse=True)]
    m = re.match(r"^(?:.+?\s+)?branch\s+of\s+(?:the\s+)?(.+)$", folded, re.IGNORECASE)
    if m:
        return [m.group(1)]
    m = re.match(r"^(.+?)\s+branch(?:\s+office)?$", folded, re.IGNORECASE)
    if m:
        words = m.group(1).replace(",", " ").split()
        return [" ".join(words[:n]) for n in range(len(words) - 1, 1, -1)]
    return []


# --- what entity matching compares beyond the key (graph/match_features.py) -------------------

#: Honorifics and titles written before a person's name (English, Spanish and Chinese-English lists):
#: MR., MRS., MS., DR., PROF., ING., LIC., ARQ., M. C. (maestro en ciencias), C.P. (contador público).
_HONORIFIC = re.compile(
    r"^(?:(?:mr|mrs|ms|miss|mx|dr|prof|sir|sr|sra|srta|ing|lic|arq|m\s?\.?\s?c|c\s?\.?\s?p)\.?\s+)+", re.IGNORECASE)
#: A short name in quotes inside brackets: ``Computer Technologies Ltd ("Computech")``.
_SHORT_NAME = re.compile(r"\(\s*[\"“”'‘’«]([^\"“”'‘’«»()]{2,80})[\"“”'‘’»]\s*\)")


def honorific(name: str | None) -> str | None:
    """The honorific a name opens with (``MR.``, ``Dr``, ``M. C.``), if any."""
    m = _HONORIFIC.match(_fold(name))
    return m.group(0).strip() if m else None


def without_honorific(name: str | None) -> str:
    """The name without the honorifics it opens with (a person's name, as lists write it)."""
    folded = _fold(name)
    rest = _HONORIFIC.sub("", folded)
    return rest if rest else folded


def short_names(name: str | None) -> tuple[str, list[str]]:
    """A name with its quoted short names in brackets taken out, and those short names:
    ``Computer Technologies Ltd ("Computech")`` → (``Computer Technologies Ltd``, [``Computech``])."""
    folded = _fold(name)
    found = [s.strip() for s in _SHORT_NAME.findall(folded) if s.strip()]
    return (re.sub(r"\s+", " ", _SHORT_NAME.sub(" ", folded)).strip() if found else folded), found


def latin_key(name: str | None) -> str:
    """:func:`normalise` written in Latin letters without accents (pinyin for Chinese, via
    normality's transliteration): ``Société Générale`` and ``SOCIETE GENERALE`` compare equal,
    and so do ``Çelik İnşaat`` and ``Celik Insaat``."""
    from normality import ascii_text

    return re.sub(r"[^a-z0-9]", "", normalise(ascii_text(without_honorific(name)) or ""))


def legal_form(name: str | None) -> str | None:
    """The legal form a firm name ends with, in one comparable spelling (``sacv``, ``coltd``,
    ``gmbh``, ``有限公司`` …), or None. Latin forms by rigour's organisation types (the
    OpenSanctions list of legal forms); Chinese ones by :data:`LEGAL_FORMS_ZH`."""
    from rigour.names import extract_org_types

    folded = _fold(name)
    for form in LEGAL_FORMS_ZH:
        if folded.endswith(form):
            return "有限公司" if form in ("有限公司", "有限责任公司", "股份有限公司") else form
    found = extract_org_types(folded)
    return found[-1][1] if found else None


_ORDINALS = {"first": "1", "second": "2", "third": "3", "fourth": "4", "fifth": "5", "sixth": "6", "seventh": "7",
             "eighth": "8", "ninth": "9", "tenth": "10", "一": "1", "二": "2", "三": "3", "四": "4", "五": "5",
             "六": "6", "七": "7", "八": "8", "九": "9", "十": "10"}
_NUMBER = re.compile(r"\d+|\b(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth)\b|第([一二三四五六七八九十])",
                     re.IGNORECASE)


def numbers(name: str | None) -> frozenset[str]:
    """The numbers a name carries (No.1, 2nd, Third, 第三 …), as digits: firms that differ only in
    them are different firms (China Gezhouba Group No.1 and No.2 Engineering)."""
    found = set()
    for m in _NUMBER.finditer(_fold(name)):
        word = (m.group(1) or m.group(0)).lower()
        found.add(_ORDINALS.get(word, word.lstrip("0") or "0"))
    return frozenset(found)
