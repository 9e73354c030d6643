"""The shipped seed script and verification job match the tables, the filter and the links."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from emr_burst.governance import PATIENTS_FILTER
from emr_burst.governance.catalog import CLAIMS, PATIENTS
from emr_burst.governance.consumer import DEFAULT_LINKS

ASSETS = Path(__file__).resolve().parents[3] / "src/emr_burst/governance/assets"


def _rows(table: str) -> list[list[str]]:
    text = (ASSETS / "seed_healthcare.sh").read_text()
    block = text.split(f"INSERT INTO {table} VALUES", 1)[1].split('"', 1)[0]
    rows = []
    for line in block.strip().splitlines():
        inner = line.strip().removesuffix(",").removeprefix("(").removesuffix(")")
        rows.append([v.strip() for v in re.split(r",(?![^(]*\))", inner)])
    return rows


def test_seed_rows_have_every_column_and_the_posts_mix_of_states() -> None:
    patients, claims = _rows("patients"), _rows("claims")
    assert len(patients) == 12
    assert len(claims) == 10
    assert {len(r) for r in patients} == {len(PATIENTS.columns)}
    assert {len(r) for r in claims} == {len(CLAIMS.columns)}
    state = [c.name for c in PATIENTS.columns].index("state")
    states = [r[state].strip("'") for r in patients]
    assert {s: states.count(s) for s in set(states)} == {
        "California": 4,
        "Texas": 4,
        "New York": 4,
    }
    kept = [s for s in states if s in ("Texas", "New York")]
    assert "Texas" in PATIENTS_FILTER.row_filter
    assert len(kept) == 8
    ids = {r[0] for r in patients}
    assert {r[1] for r in claims} <= ids  # every claim names a seeded patient


def test_verification_job_queries_the_resource_links_of_the_consumer_database() -> None:
    source = (ASSETS / "fgac_queries.py").read_text()
    ast.parse(source)  # the script is valid Python
    for link in DEFAULT_LINKS:
        assert f"{{DATABASE}}.{link}" in source
    assert 'DATABASE = "dev.consumer_healthcare_db"' in source
