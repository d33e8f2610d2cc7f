"""Settings in one place: environment variables with the ``CHENGXIN_`` prefix.

Every field has a default and a description; ``tests/test_docs.py`` fails when a
field is missing from the README's configuration table.
"""

from __future__ import annotations

import json
import os
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from .vocabulary import risk_measure_points

BOLT_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CHENGXIN_", extra="ignore")

    uri: str | None = Field(
        None,
        description="Bolt URI of a Neo4j 5 / Aura server (neo4j://, bolt://, neo4j+s://). "
        "Unset: the embedded ArcadeDB server under `home` is used.",
    )
    user: str = Field("neo4j", description="User name for `uri` (the embedded server uses root).")
    password: SecretStr | None = Field(
        None, description="Password for `uri`. Never logged. The embedded server generates its own."
    )
    database: str | None = Field(
        None,
        description="Database name. Default: `chengxin` on the embedded server, the server's "
        "default database on Neo4j.",
    )
    home: Path = Field(
        Path(".chengxin"),
        description="Folder for the embedded server's data, logs, pid, ports and password, "
        "and for load reports and rejects.",
    )
    embedded_bolt_port: int = Field(
        0, description="Bolt port of the embedded server; 0 picks a free port on first start and keeps it."
    )
    embedded_http_port: int = Field(
        0, description="HTTP port of the embedded server (loopback only); 0 picks a free one."
    )
    embedded_heap: str = Field(
        "auto", description="Maximum Java heap of the embedded server (\"6g\", \"512m\"); auto: a quarter of the "
        "machine's memory, at least 1g and at most 8g.")
    embedded_page_cache: str = Field(
        "auto", description="ArcadeDB's page cache, inside the heap (\"3g\", \"1500m\"); auto: half the heap. ArcadeDB's "
        "own default, a quarter of the heap, held 0.5 GB of a 2.7 GB graph at scale 700 and every page paid for the "
        "misses.")
    start_timeout: float = Field(
        120.0, description="Seconds to wait for the embedded server to answer on Bolt."
    )
    reconnect_wait: float = Field(
        60.0, ge=0, description="Seconds a load or another command waits for the database to come back when the "
        "connection is lost (a batch is then retried); pages never wait, they answer 503 at once.")
    batch_size: int = Field(2000, ge=1, description="Rows per UNWIND transaction when loading (the first batches are smaller).")
    id_salt: SecretStr | None = Field(
        None,
        description="Secret key for the keyed hash that replaces ID-card numbers. Unset: one is "
        "generated under `home` (mode 0600). Keep it to get the same person ids on reload.",
    )
    graph_node_cap: int = Field(
        40, ge=5, description="Most neighbours drawn in an entity page's graph before a 'more' node."
    )
    page_row_cap: int = Field(
        200, ge=10, description="Most rows in one list on an entity page before a 'more' link."
    )

    host: str = Field("127.0.0.1", description="Address `chengxin serve` and `demo` listen on.")
    port: int = Field(5000, description="Port `chengxin serve` and `demo` listen on.")
    query_timeout: float = Field(
        5.0, gt=0,
        description="Time limit in seconds for console and library queries (a request may lower it, "
        "never raise it). Also the embedded server's deadline for any one command.",
    )
    query_row_cap: int = Field(1000, ge=1, description="Most rows a console or library query returns.")
    console: bool | None = Field(
        None,
        description="The Cypher console: unset means on when serving on loopback and off otherwise; "
        "true on another address also needs `console_token`.",
    )
    console_token: SecretStr | None = Field(
        None, description="Access token the console requires when served off loopback. Never logged."
    )
    read_user: str | None = Field(
        None, description="Neo4j: a read-only user for the console's connection (one more guard)."
    )
    read_password: SecretStr | None = Field(None, description="Password of `read_user`. Never logged.")
    allowed_hosts: Annotated[list[str], NoDecode] = Field(
        ["127.0.0.1", "localhost", "[::1]", "::1"],
        description="Host names the web app answers to (the Host header, port ignored); anything else gets 400, "
        "which defeats DNS rebinding. JSON list or comma-separated; `*` allows any (only behind a proxy that checks "
        "Host itself). Add the public name when serving beyond loopback.")
    console_max_concurrent: int = Field(
        2, ge=1, description="Most console and library queries running at once in one server process; more wait "
        "briefly, then get 503 'busy'.")
    console_max_per_client: int = Field(
        1, ge=1, description="Most console and library queries one client address may run at once; more get 429.")
    serve_threads: int = Field(
        8, ge=2, description="Worker threads of the production WSGI server (waitress) behind `serve` and `demo`.")

    flag_min_together: int = Field(
        3, ge=2, description="Red flag `bid_rotation`: least tenders two firms bid on together, each winning one.")
    contract_above_award_pct: float = Field(
        10.0, ge=0, description="Red flag `contract_above_award`: how far (per cent) a contract record's amount may "
        "exceed the winning price of its contractor's tender.")
    tender_required_works_amount: float = Field(
        400.0, ge=0, description="Red flag `permit_without_tender`: the works amount (万元) from which a project using "
        "state-owned funds must be tendered (《必须招标的工程项目规定》: 施工 400 万元).")
    flag_cache_seconds: float = Field(
        300.0, ge=0, description="Red flags: how often the pages check (one cheap query) whether a load changed "
        "the data since the stored run of every detector; only then is a new run made, in the background "
        "(`?fresh=1` and `chengxin flags --run` run them at once).")
    flag_max_age_hours: float = Field(
        24.0, gt=0, description="Red flags: a stored run older than this is made again even if no load changed "
        "the data (sanctions and qualifications expire with the calendar).")
    flag_budget_seconds: float = Field(
        600.0, gt=0, description="Red-flag detectors: the time budget of one detector's batch job (all its key-range "
        "batches together); a detector over it fails and the stored run is kept.")
    flag_batch_keys: int | None = Field(
        None, ge=1, description="Red-flag detectors: driving keys (firms or people, in key order) per batch of a "
        "detector's query (unset: each detector's own size; a batch the database refuses as too slow or too big is "
        "halved).")
    flag_workers: int = Field(
        2, ge=1, le=16, description="Red-flag detectors: key-range batches of one detector run at once (the database "
        "serves each on a core of its own; 1 runs them one after another).")
    path_max_hops: int = Field(6, ge=1, le=10, description="Relationship finder: most hops between two entities.")
    path_hub_degree: int = Field(
        150, ge=2, description="Relationship finder: a node with more relationships than this is a hub and is "
        "not passed through unless asked (authorities always count as hubs).")
    path_limit: int = Field(5, ge=1, le=50, description="Relationship finder: most paths shown.")
    eligibility_rule: Literal["any", "restrictive"] = Field(
        "any", description="Bidding eligibility: `any` bad-behaviour record in force blocks bidding (as provincial "
        "platforms do); `restrictive` only measures that ban bidding or work do, the rest block award ratings.")
    eligibility_other_institutions: Literal["restriction", "ban"] = Field(
        "restriction", description="Bidding eligibility: a sanction in force by another institution (a development "
        "bank's debarment, on the firm or on a record matched to it) is shown as a `restriction` with its source, "
        "or, with `ban`, also blocks bidding and award ratings. The default: such a debarment binds the projects "
        "that institution finances, not a Chinese tender (README, \"How matching decides\").")
    match_threshold: float = Field(
        0.9, ge=0, le=1, description="Entity matching: links scoring at least this are made; lower ones wait for review.")
    match_review_floor: float = Field(
        0.75, ge=0, le=1, description="Entity matching: pairs scoring below this are not proposed at all.")
    risk_measure_points: dict[str, float] = Field(
        default_factory=risk_measure_points,
        description="Risk score: points of a penalty by measure (first word found in the measure wins; `*` is "
        "any other measure; the default comes from the measures of graph/vocabulary.toml). JSON object; "
        "replaces the default.")
    risk_authority_factor: dict[str, float] = Field(
        {"international": 1.5, "national": 1.5, "provincial": 1.2, "local": 1.0},
        description="Risk score: penalty points multiplied by the issuing authority's level. JSON object.")
    risk_half_life_years: float = Field(
        2.0, gt=0, description="Risk score: a penalty or award counts half after this many years (full while in force).")
    risk_flag_points: dict[str, float] = Field(
        {"cert_lending": 10, "pm_conflict": 8, "sanctioned_bidding": 20, "bid_ring": 12, "bid_rotation": 10,
         "subcontract_chain": 10, "unqualified_subcontractor": 8, "phoenix": 20, "unqualified_participation": 10,
         "pm_changed": 8, "contract_above_award": 6, "work_before_permit": 8, "permit_without_tender": 15,
         "false_performance": 20, "pm_overlap_permits": 8},
        description="Risk score: points per red-flag hit implicating the firm, by kind. JSON object.")
    risk_award_points: dict[str, float] = Field(
        {"国家级": -10, "省级": -5, "市级": -2, "*": -1},
        description="Risk score: points (negative) per award by level. JSON object.")

    @field_validator("allowed_hosts", mode="before")
    @classmethod
    def _hosts(cls, v):
        if isinstance(v, str):
            return json.loads(v) if v.strip().startswith("[") else [h.strip() for h in v.split(",") if h.strip()]
        return v

    @field_validator("uri")
    @classmethod
    def _bolt_uri(cls, v: str | None) -> str | None:
        if v in (None, ""):
            return None
        scheme = v.split("://", 1)[0].lower()
        if "://" not in v or scheme not in BOLT_SCHEMES:
            raise ValueError(f"CHENGXIN_URI must be a Bolt URI ({', '.join(BOLT_SCHEMES)}), got scheme {scheme!r}")
        return v

    @property
    def embedded(self) -> bool:
        return self.uri is None

    @property
    def database_name(self) -> str | None:
        if self.database:
            return self.database
        return "chengxin" if self.embedded else None

    @property
    def home_path(self) -> Path:
        return self.home.expanduser().resolve()


def secret_file(path: Path) -> str:
    """The secret kept in ``path`` (the home folder's generated keys and passwords), made on first
    use: random, mode 0600 from the moment the file exists, never overwritten. Never logged."""
    path = Path(path)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # made by another process meanwhile
        else:
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_urlsafe(32))
    return path.read_text("utf-8").strip()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
