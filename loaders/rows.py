"""Row models for the CSV-folder format (docs/input-format.md), validated with pydantic.

One model per table. Required columns are the fields without defaults; unknown extra columns
are kept (``extra="allow"``) and become properties. Empty cells are missing values.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
import types
import typing
from collections.abc import Callable
from functools import lru_cache
from typing import Annotated, Literal

from annotated_types import MinLen
from pydantic import (AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, PlainValidator, ValidationError,
                      WrapValidator)
from pydantic_core import PydanticKnownError

from chengxin.graph.vocabulary import ENTERPRISE_TYPE_NAMES, ROLE_NAMES, staff_role, stage_role

from .ids import region_problem, uscc_problem

#: The largest amount a money column (万元) takes: 1e9 万元 is 10万亿元, more than any project, capital or
#: fine; a larger figure is an amount in 元 given as 万元, or garbage.
MAX_MONEY = 1e9
#: Decisions and awards: none before 1949, none more than this many days after today.
EARLIEST_DECISION = dt.date(1949, 1, 1)
FUTURE_MARGIN_DAYS = 30

_DATE_FORMS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"),
)


def parse_date(value):
    if type(value) is str:
        return _parse_date_text(value)
    if value is None or isinstance(value, dt.date):
        return value.date() if isinstance(value, dt.datetime) else value
    return _parse_date(value)


@lru_cache(maxsize=1 << 16)  # a table names the same few thousand days again and again
def _parse_date_text(value: str) -> dt.date:
    return _parse_date(value)


def _parse_date(value) -> dt.date:
    s = str(value).strip()
    if "T" in s or " " in s:  # ISO datetimes from spreadsheets / JSON: keep the date
        s = re.split(r"[T ]", s, maxsplit=1)[0]
    for form in _DATE_FORMS:
        m = form.match(s)
        if m:
            try:
                return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError as e:
                raise ValueError(f"not a real date: {value!r}") from e
    raise ValueError(f"not a date: {value!r} (accepted: YYYY-MM-DD, YYYY/MM/DD, YYYY年MM月DD日)")


def parse_number(value):
    """A finite number: ``1,000`` is 1000; ``inf``, ``nan`` and figures too large for a float are refused."""
    if value is None:
        return value
    if isinstance(value, bool):
        raise ValueError(f"not a number: {value!r}")
    try:
        number = float(value if isinstance(value, (int, float)) else str(value).strip().replace(",", "").replace("，", ""))
    except (ValueError, OverflowError) as e:
        raise ValueError(f"not a number: {value!r}") from e
    if not math.isfinite(number):
        raise ValueError(f"not a finite number: {value!r}")
    return number


def _money_bound(value: float) -> float:
    if value > MAX_MONEY:
        raise ValueError(f"{value:g} 万元 is more than {MAX_MONEY:g} 万元 (10万亿元): an amount in 元 given as 万元, "
                         "or not an amount")
    return value


def _plausible_decision(value: dt.date) -> dt.date:
    latest = dt.date.today() + dt.timedelta(days=FUTURE_MARGIN_DAYS)
    if not EARLIEST_DECISION <= value <= latest:
        raise ValueError(f"{value.isoformat()} is not a plausible date for a decision or award "
                         f"(from {EARLIEST_DECISION.isoformat()} to {FUTURE_MARGIN_DAYS} days after today)")
    return value


_LETTER = re.compile(r"[^\W\d_]")


def _has_letter(value: str) -> str:
    if not _LETTER.search(value):
        raise ValueError(f"{value!r} has no letter in it: not a name")
    return value


#: A firm known by another register's identifier keeps it as ``SCHEME:ID`` in the enterprise key,
#: with the scheme in org-id.guide style (``MX-RFC:EAM9803104K0``, ``GB-COH:01234567``), or
#: ``XX-NAME:<SOURCE>:<NAME>`` for an OCDS party that names a firm without any identifier, or
#: ``XX-LIST:<LIST_ID>:<ENTRY_KEY>`` for a sanctions-list entry (its own record: loaders/lists.py).
SCHEMED_ID = re.compile(r"^[A-Z]{2}-[A-Z0-9_]+:\S.*$")


def check_uscc(value: str) -> str:
    if SCHEMED_ID.match(value):
        return value
    problem = uscc_problem(value)
    if problem:
        raise ValueError(f"invalid 统一社会信用代码 {value!r}: {problem} (another register's id is written SCHEME:ID)")
    return value


def _clean_code(value):
    return value.strip().upper() if isinstance(value, str) else value


def _region(value: str) -> str:
    problem = region_problem(value)
    if problem == "is not 6 digits":
        raise ValueError(f"region_code must be a 6-digit 行政区划代码, got {value!r}")
    if problem:
        raise ValueError(f"region_code {value!r} {problem}")
    return value


Date = Annotated[dt.date, BeforeValidator(parse_date)]
DecisionDate = Annotated[dt.date, BeforeValidator(parse_date), AfterValidator(_plausible_decision)]
Money = Annotated[float, BeforeValidator(parse_number), Field(ge=0), AfterValidator(_money_bound)]
Uscc = Annotated[str, BeforeValidator(_clean_code), AfterValidator(lru_cache(maxsize=1 << 16)(check_uscc))]
Region = Annotated[str, AfterValidator(_region)]
def _as_text(v):
    return str(v).strip() if v is not None else v


Text = Annotated[str, BeforeValidator(_as_text), Field(min_length=1)]
Name = Annotated[str, BeforeValidator(_as_text), Field(min_length=1),
                 AfterValidator(_has_letter)]

def _stage_role(value):
    code = stage_role(value) if isinstance(value, str) else None
    if code is None:
        raise ValueError(f"{value!r} is not a stage role (graph/vocabulary.toml [[stage_roles]]: the code or the "
                         "Chinese name, e.g. owner / 建设单位, contractor / 施工单位)")
    return code


def _staff_role(value):
    code = staff_role(value) if isinstance(value, str) else None
    if code is None:
        raise ValueError(f"{value!r} is not a staff role (graph/vocabulary.toml [[staff_roles]]: the code or the "
                         "Chinese name, e.g. project_manager / 项目经理)")
    return code


Quantity = Annotated[float, BeforeValidator(parse_number), Field(ge=0)]
#: A role on a stage of a project's life, stored as its vocabulary code.
StageRole = Annotated[str, BeforeValidator(_stage_role)]
StaffRole = Annotated[str, BeforeValidator(_staff_role)]
#: The stages whose records name firms (stage_parties.stage) and people (stage_people.stage).
PartyStage = Literal["contract", "drawing_review", "permit", "completion", "performance"]
PeopleStage = Literal["tender", "permit", "completion", "performance"]

EnterpriseType = Literal[ENTERPRISE_TYPE_NAMES]  # graph/vocabulary.toml [[enterprise_types]]
SubjectType = Literal["enterprise", "person"]
ParticipationRole = Literal[ROLE_NAMES]  # graph/vocabulary.toml [[participation_roles]]
Outcome = Literal["中标", "未中标", "废标"]
AwardLevel = Literal["国家级", "省级", "市级", "区县级"]
Nature = Literal["新建", "改建", "扩建", "迁建", "恢复", "其他"]
Gender = Literal["男", "女"]


class Row(BaseModel):
    model_config = ConfigDict(extra="allow", str_strip_whitespace=True)
    source: str | None = None
    source_url: str | None = None


class EnterpriseRow(Row):
    uscc: Uscc
    name: Name
    type: EnterpriseType | None = None
    legal_rep_id: str | None = None
    legal_rep_name: str | None = None
    region_code: Region | None = None
    address: str | None = None
    registered_capital: Money | None = None
    established: Date | None = None
    phone: str | None = None


class PersonRow(Row):
    person_id: Text
    name: Name
    gender: Gender | None = None
    id_number: str | None = None


class ProjectRow(Row):
    project_code: Text
    name: Name
    region_code: Region | None = None
    category: str | None = None
    nature: Nature | None = None
    total_investment: Money | None = None
    funding: str | None = None
    owner_uscc: Uscc | None = None
    approval_no: str | None = None
    approval_authority: str | None = None
    approval_date: Date | None = None
    permit_no: str | None = None
    start_date: Date | None = None
    completion_date: Date | None = None
    status: str | None = None
    address: str | None = None


class QualificationRow(Row):
    cert_no: Text
    uscc: Uscc
    category: Text
    specialty: str | None = None
    grade: str | None = None
    authority: str | None = None
    issued: Date | None = None
    expires: Date | None = None
    status: str | None = None


class AwardRow(Row):
    award_id: Text
    subject_type: SubjectType
    subject_id: Text
    name: Name
    level: AwardLevel | None = None
    authority: str | None = None
    date: DecisionDate | None = None
    project_code: str | None = None
    doc_no: str | None = None


class PenaltyRow(Row):
    penalty_id: Text
    subject_type: SubjectType
    subject_id: Text
    behavior_code: str | None = None
    description: str | None = None
    measure: str | None = None
    amount: Money | None = None
    authority: Text
    decision_date: DecisionDate
    publish_date: DecisionDate | None = None
    valid_until: Date | None = None
    project_code: str | None = None
    legal_basis: str | None = None


class TenderRow(Row):
    tender_no: Text
    project_code: Text
    section: str | None = None
    method: str | None = None
    agency_uscc: Uscc | None = None
    open_date: Date | None = None
    winner_uscc: Uscc | None = None
    winning_price: Money | None = None


class RegistrationRow(Row):
    person_id: Text
    uscc: Uscc
    reg_type: Text
    specialty: str | None = None
    cert_no: str | None = None
    reg_no: str | None = None
    valid_from: Date | None = None
    valid_until: Date | None = None
    status: str | None = None


class ParticipationRow(Row):
    project_code: Text
    uscc: Uscc
    role: ParticipationRole
    contract_no: str | None = None
    contract_amount: Money | None = None
    start: Date | None = None
    end: Date | None = None


class ProjectStaffRow(Row):
    project_code: Text
    person_id: Text
    role: Text
    uscc: Uscc | None = None
    start: Date | None = None
    end: Date | None = None


class BidRow(Row):
    tender_no: Text
    uscc: Uscc
    price: Money | None = None
    rank: Annotated[int, Field(ge=1)] | None = None
    outcome: Outcome | None = None


class SubcontractRow(Row):
    project_code: Text
    from_uscc: Uscc
    to_uscc: Uscc
    scope: str | None = None
    amount: Money | None = None


class ShareholdingRow(Row):
    holder_type: SubjectType
    holder_id: Text
    uscc: Uscc
    share_pct: Annotated[float, BeforeValidator(parse_number), Field(ge=0, le=100)] | None = None


# --- a project's life on the national platform (issue 16): contract record, drawing review,
# construction permit, completion record, a firm's performance record; the firms and people each names.

class ContractRow(Row):
    contract_id: Text  # the record number if given, else the contract number, else "<project_code>/<platform id>"
    project_code: Text
    contract_no: str | None = None
    record_no: str | None = None
    contract_type: str | None = None
    amount: Money | None = None
    scale: str | None = None
    signed_date: Date | None = None
    created: Date | None = None


class DrawingReviewRow(Row):
    review_no: Text
    project_code: Text
    review_date: Date | None = None
    reviewer_name: str | None = None


class PermitRow(Row):
    permit_no: Text
    project_code: Text
    review_no: str | None = None
    provincial_project_no: str | None = None
    amount: Money | None = None
    area: Quantity | None = None
    issued: Date | None = None
    planned_start: Date | None = None
    planned_end: Date | None = None
    created: Date | None = None


class CompletionRow(Row):
    completion_no: Text
    project_code: Text
    permit_no: str | None = None
    provincial_no: str | None = None
    fact_cost: Money | None = None
    fact_area: Quantity | None = None
    fact_size: str | None = None
    structure: str | None = None
    start_date: Date | None = None
    end_date: Date | None = None
    data_source: str | None = None
    remark: str | None = None
    created: Date | None = None


class PerformanceRow(Row):
    perf_no: Text
    project_code: Text
    uscc: Uscc | None = None  # the firm credited; or its name alone, in an extra column enterprise_name
    qualification_standard: str | None = None
    scale_grade: str | None = None
    start_date: Date | None = None
    end_date: Date | None = None


class StagePartyRow(Row):
    stage: PartyStage
    stage_key: Text
    uscc: Uscc
    role: StageRole


class StagePersonRow(Row):
    stage: PeopleStage
    stage_key: Text
    person_id: Text
    name: str | None = None
    role: StaffRole
    uscc: Uscc | None = None  # the firm the person acts for


def _fields(model: type[Row]) -> dict[str, tuple[str, object]]:
    """Each field of ``model`` that :func:`row_validator` prepares in Python, with how (``"plain"``: text checked
    by pydantic-core itself first thing, ``str``, ``str | None``, :data:`Region`; ``"text"``: :data:`Text`,
    :data:`Name`; ``"code"``: :data:`Uscc`) and its annotation without the Python step it takes over."""
    out = {}
    for name, info in model.model_fields.items():
        kind, meta, optional = info.annotation, list(info.metadata), False
        if typing.get_origin(kind) in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(kind) if a is not type(None)]
            if len(args) != 1:
                continue
            kind, optional = args[0], True
        if typing.get_origin(kind) is Annotated:
            meta += kind.__metadata__
            kind = typing.get_args(kind)[0]
        if kind is not str:
            continue
        before = [m for m in meta if isinstance(m, (BeforeValidator, WrapValidator, PlainValidator))]
        if not before:
            how = "plain"
        elif len(before) == 1 and getattr(before[0], "func", None) in _LIFTED:
            how = _LIFTED[before[0].func]
        else:
            continue
        rest = [m for m in meta if m not in before]
        if how != "plain":
            if not all(isinstance(m, (MinLen, AfterValidator)) for m in rest):
                continue
            # after a Python step, pydantic checks a length in Python too, with its own message ("Value should
            # have at least 1 item after validation"): the same check, the same message, where it was
            rest = [AfterValidator(_at_least(m.min_length)) if isinstance(m, MinLen) else m for m in rest]
        bare = Annotated[(str, *rest)] if rest else str
        out[name] = how, (bare | None if optional else bare)
    return out


@functools.cache
def _at_least(n: int) -> Callable[[str], str]:
    """pydantic's own length check after a Python step (pydantic._internal._validators.min_length_validator)."""
    def check(value: str) -> str:
        if not len(value) >= n:
            raise PydanticKnownError("too_short", {"field_type": "Value", "min_length": n, "actual_length": len(value)})
        return value
    return check


#: The Python steps :func:`row_validator` takes in its own comprehension, before pydantic-core.
_LIFTED = {_as_text: "text", _clean_code: "code"}


@functools.cache
def row_validator(model: type[Row]) -> Callable[[dict], Row]:
    """What the loader validates a row read from a file with (``{column: value}``; an empty cell is a
    missing value): ``model.model_validate`` of the row with ``""`` as None, the same model or the same
    error, for less work.

    - Stripping text in pydantic-core copies every string it is given (a new str from Rust); Python's
      ``str.strip`` returns the string itself when there is nothing to strip. So the text fields that go
      straight to pydantic-core's ``str`` are stripped here, and the model is run without
      ``str_strip_whitespace``: its other text fields are stripped by their own first steps, are literals
      (never stripped) or are not text. Python's whitespace is Rust's and the separators U+001C-U+001F,
      which the loader refuses as control characters before validating.
    - The first steps of :data:`Text`, :data:`Name` (``str(v).strip()``) and :data:`Uscc` (strip and upper
      case a text) are taken here, in one comprehension, rather than called from pydantic-core for each cell;
      what comes after them (the length, a letter, the USCC check) is the model's, unchanged.

    tests/test_loader_equivalence.py holds the two to the same answers on hostile rows."""
    fields = _fields(model)
    plain = frozenset(k for k, (how, _) in fields.items() if how in ("plain", "text"))
    code = frozenset(k for k, (how, _) in fields.items() if how == "code")
    text = frozenset(k for k, (how, _) in fields.items() if how == "text")
    lifted = {k: kind for k, (how, kind) in fields.items() if how != "plain"}
    body = {"__module__": model.__module__, "__qualname__": model.__qualname__, "__annotations__": lifted,
            "model_config": ConfigDict(str_strip_whitespace=False)}
    body.update({k: model.model_fields[k].default for k in lifted if not model.model_fields[k].is_required()})
    unstripped = type(model.__name__, (model,), body)
    assert list(unstripped.model_fields) == list(model.model_fields)  # the fields in the model's order
    validate = unstripped.__pydantic_validator__.validate_python

    def run(raw: dict) -> Row:
        return validate({k: (None if v == "" else v.strip() if k in plain else v.strip().upper() if k in code else v)
                         if type(v) is str else (_as_text(v) if k in text else v) for k, v in raw.items()})

    return run


def required_columns(model: type[Row]) -> list[str]:
    return [name for name, f in model.model_fields.items() if f.is_required()]


def describe(error: ValidationError) -> str:
    """A short, specific reason: ``uscc: invalid 统一社会信用代码 …; decision_date: not a date …``."""
    parts = []
    for e in error.errors():
        where = ".".join(str(x) for x in e["loc"]) or "row"
        msg = e["msg"].removeprefix("Value error, ")
        if e["type"] == "missing" or (e.get("input", "") is None and e["type"].endswith("_type")):
            msg = "required value is missing"
        elif e["type"] == "literal_error":
            msg = f"{e.get('input')!r} is not one of {e['ctx']['expected']}"
        elif e["type"] in ("greater_than_equal", "less_than_equal"):
            msg = f"{e.get('input')!r}: {msg.lower()}"
        parts.append(f"{where}: {msg}")
    return "; ".join(parts)


#: The tables of the folder format (docs/input-format.md) and the row model of each.
MODELS: dict[str, type[Row]] = {
    "enterprises": EnterpriseRow, "persons": PersonRow, "projects": ProjectRow,
    "qualifications": QualificationRow, "awards": AwardRow, "penalties": PenaltyRow, "tenders": TenderRow,
    "registrations": RegistrationRow, "participations": ParticipationRow, "project_staff": ProjectStaffRow,
    "bids": BidRow, "subcontracts": SubcontractRow, "shareholdings": ShareholdingRow,
    "contracts": ContractRow, "drawing_reviews": DrawingReviewRow, "permits": PermitRow,
    "completions": CompletionRow, "performances": PerformanceRow,
    "stage_parties": StagePartyRow, "stage_people": StagePersonRow,
}

#: Each table's columns in the contract's order: the row model's own fields, then provenance.
#: Writers (the sample generator, the planted cases, OCDS, export) take their columns from here.
COLUMNS: dict[str, list[str]] = {
    table: [f for f in model.model_fields if f not in Row.model_fields] + list(Row.model_fields)
    for table, model in MODELS.items()
}
