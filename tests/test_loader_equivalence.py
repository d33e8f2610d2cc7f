"""The loader's own work made cheaper (issue 14) gives what it gave before: each shortcut is held to the
plain form it replaced, on hostile input. (bench/check_dump.py compares whole check-mode loads.)"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import io

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from chengxin.graph.errors import InvalidInput
from chengxin.graph.privacy import is_record_number_field, mask_text
from chengxin.graph.vocabulary import ROLE_NAMES
from chengxin.loaders import csv_folder as C
from chengxin.loaders import rows as R
from chengxin.loaders.checks import _CONTROL, control_problem
from chengxin.loaders.ids import Pseudonyms
from chengxin.loaders.text import detect_encoding

SPACES = ["", " ", "  ", "\t", "\u3000", "\xa0", "\u2028", "\x85", "\u200b", "\u2003", "\n"]
VALUES = ["", "x", "0", "1", "-5", "1,000", "1e20", "nan", "inf", "50%", "101", "1.5", "True", "中标", "未中标", "男",
          "enterprise", "person", "contract", "permit", "tender", "owner", "建设单位", "project_manager", "项目经理",
          "2020-01-01", "2020/1/2", "2020年1月2日", "2020-02-30", "1900-01-01", "2999-01-01", "2020-01-01T08:00",
          "110101", "999999", "91110100000000001N", "91110000100000000X", "mx-rfc:EAM9803104K0", "GB-COH:0123",
          "110101199003074514", "某某建设有限公司", "12345", "施工", "新建", "国家级", *ROLE_NAMES]
ODD = [None, 0, 1, -1, 1.5, 2 ** 70, True, False, dt.date(2020, 1, 2), dt.datetime(2020, 1, 2, 3, 4), ["a", "b"]]


@st.composite
def cells(draw):
    if draw(st.integers(0, 9)) == 0:
        return draw(st.sampled_from(ODD))
    value = draw(st.sampled_from(VALUES)) if draw(st.booleans()) else draw(st.text(max_size=6))
    return draw(st.sampled_from(SPACES)) + value + draw(st.sampled_from(SPACES))


@st.composite
def model_rows(draw):
    model = draw(st.sampled_from(list(R.MODELS.values())))
    columns = list(model.model_fields) + ["备注", " extra ", "_x"]
    row = {c: draw(cells()) for c in columns if draw(st.integers(0, 4))}
    return model, row


def _outcome(validate, row):
    try:
        m = validate(row)
    except ValidationError as e:
        return "error", R.describe(e)
    return "ok", [(k, type(v), v) for k, v in m.__dict__.items()], m.__pydantic_extra__


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(model_rows())
def test_the_loaders_validator_gives_the_models_answer(case):
    model, row = case
    assume(control_problem(row) is None)  # the loader refuses a row with a control character before validating
    plain = _outcome(lambda r: model.model_validate({k: (None if v == "" else v) for k, v in r.items()}), row)
    assert _outcome(R.row_validator(model), row) == plain


def test_the_fields_prepared_before_validation_are_the_text_ones():
    how = {k: h for k, (h, _) in R._fields(R.EnterpriseRow).items()}
    assert how == {"source": "plain", "source_url": "plain", "uscc": "code", "name": "text", "legal_rep_id": "plain",
                   "legal_rep_name": "plain", "region_code": "plain", "address": "plain", "phone": "plain"}
    how = {k: h for k, (h, _) in R._fields(R.StagePersonRow).items()}  # a literal, a role: not prepared
    assert "stage" not in how and "role" not in how and how["name"] == "plain" and how["uscc"] == "code"


def _props_before(row: R.Row, exclude: set[str]) -> dict:
    """csv_folder._props as it was (model_dump), for comparison."""
    out = {}
    for k, v in row.model_dump(exclude={"source", "source_url", *exclude}).items():
        if v is None or v == "":
            continue
        out[k] = v if k in C.USCC_COLUMNS or is_record_number_field(k) else C._text(v)
    for k, v in (row.model_extra or {}).items():
        k = mask_text(str(k).strip())
        if not k or k.startswith("_") or k in out or v in (None, ""):
            continue
        out[k] = C._extra(v)
    return out


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(model_rows(), st.sets(st.sampled_from(["uscc", "name", "person_id", "permit_no", "project_code", "备注"])))
def test_properties_are_what_model_dump_gave(case, exclude):
    model, row = case
    row = {**row, "permit_no": "330106201905230101", "note": "证 110101199003074514 号", " 备注 ": "110101199003074514"}
    try:
        m = R.row_validator(model)(row)
    except ValidationError:
        return
    new, old = C._props(m, exclude), _props_before(m, exclude)
    assert list(new.items()) == list(old.items())
    assert [type(v) for v in new.values()] == [type(v) for v in old.values()]


def _control_before(row: dict) -> str | None:
    if not _CONTROL.search("\n".join([v for v in row.values() if isinstance(v, str)])):
        return None
    return control_problem(row)


def test_every_character_refused_is_one_isprintable_refuses():
    refused = [chr(c) for c in range(0x10000) if _CONTROL.match(chr(c))]
    assert len(refused) == 9 + 2 + 18 + 33 + 5 + 4
    assert not any(c.isprintable() for c in refused)


@given(st.dictionaries(st.sampled_from(["a", "b", "_c", "名"]),
                       st.one_of(st.text(), st.none(), st.integers(), st.lists(st.text(), max_size=2),
                                 st.sampled_from(["\x00", "a\u202eb", "\t", "\n", "x\x85", "\u2066", " \x9f"]))))
def test_the_control_character_check_is_unchanged(row):
    assert control_problem(row) == _control_before(row)


@given(st.text(alphabet="0123456789Xx \t-", max_size=24) | st.sampled_from(
    ["110101199003074514", " 11010119900307451x ", "330106201905230101", "RY000000001", "P-1", ""]))
def test_a_cached_pseudonym_is_the_uncached_one(raw):
    p = Pseudonyms(b"the key")
    assert p.person_key(raw) == p._person_key(raw) == p.person_key(raw)
    assert p.digest(raw) == hmac.new(b"the key", raw.strip().upper().encode(), hashlib.sha256).hexdigest()


@given(st.sampled_from(VALUES) | st.text(max_size=12), st.sampled_from(SPACES))
def test_a_cached_date_is_the_parsed_one(value, space):
    value = space + value

    def outcome(f):
        try:
            return f(value)
        except ValueError as e:
            return str(e)
    assert outcome(R.parse_date) == outcome(R._parse_date) == outcome(R.parse_date)


@given(lines=st.lists(st.sampled_from([b"abc,def", "名称,地址".encode(), "名称".encode("gb18030"), b"\xff\xfe",
                                       "é".encode("latin-1"), b""]), max_size=30))
def test_the_encoding_shortcut_agrees_with_the_line_by_line_count(lines):
    data = b"head\n" + b"\n".join(lines)
    wide = [line for line in data.splitlines() if not line.isascii()]

    def decodes(b, enc):
        try:
            b.decode(enc)
            return True
        except UnicodeDecodeError:
            return False
    try:
        got = detect_encoding(io.BytesIO(data), "t.csv")
    except InvalidInput:
        got = None
    if not wide or sum(1 for line in wide if not decodes(line, "utf-8")) * 2 <= len(wide):
        assert got == "utf-8"  # what the line-by-line count says, shortcut or not
    else:
        assert got != "utf-8"
