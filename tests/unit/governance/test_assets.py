"""The shipped seed script and verification job match the rendered tables, filter and links."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path
from typing import Any

from emr_burst.governance.catalog import CLAIMS, PATIENTS
from tests.unit.governance.lf_app import lake_formation_app

ASSETS = Path(__file__).resolve().parents[3] / "src/emr_burst/governance/assets"
PATIENT_IDS = [str(i) for i in range(1001, 1013)]
CLAIM_IDS = [f"'CLM{i:03d}'" for i in range(1, 11)]


def _rows(table: str) -> list[list[str]]:
    text = (ASSETS / "seed_healthcare.sh").read_text()
    block = text.split(f'run "INSERT INTO {table} VALUES', 1)[1].split('"', 1)[0]
    rows = []
    for line in block.strip().splitlines():
        inner = line.strip().removesuffix(",").removeprefix("(").removesuffix(")")
        rows.append([v.strip() for v in re.split(r",(?![^(]*\))", inner)])
    return rows


def _column(rows: list[list[str]], table: Any, name: str) -> list[str]:
    index = [c.name for c in table.columns].index(name)
    return [r[index].strip("'") for r in rows]


def test_seed_rows_are_the_posts_ids_with_every_column() -> None:
    patients, claims = _rows("patients"), _rows("claims")
    assert [r[0] for r in patients] == PATIENT_IDS
    assert [r[0] for r in claims] == CLAIM_IDS
    assert [len(r) for r in patients] == [len(PATIENTS.columns)] * 12
    assert [len(r) for r in claims] == [len(CLAIMS.columns)] * 10
    states = dict(zip(PATIENT_IDS, _column(patients, PATIENTS, "state"), strict=True))
    assert states == {
        **dict.fromkeys(["1001", "1002", "1003", "1004"], "California"),
        **dict.fromkeys(["1005", "1006", "1007", "1008"], "Texas"),
        **dict.fromkeys(["1009", "1010", "1011", "1012"], "New York"),
    }
    assert _column(claims, CLAIMS, "patient_id") == PATIENT_IDS[:10]


def test_the_rendered_filter_keeps_the_texas_and_new_york_patients() -> None:
    app = lake_formation_app()
    (data_filter,) = app.resources("producer", "AWS::LakeFormation::DataCellsFilter").values()
    expression = data_filter["RowFilter"]["FilterExpression"]
    assert expression == "state in ('Texas', 'New York')"
    kept_states = re.fullmatch(r"state in \((.*)\)", expression).group(1)  # type: ignore[union-attr]
    allowed = {s.strip().strip("'") for s in kept_states.split(",")}
    patients = _rows("patients")
    kept = [
        pid
        for pid, state in zip(PATIENT_IDS, _column(patients, PATIENTS, "state"), strict=True)
        if state in allowed
    ]
    assert kept == [str(i) for i in range(1005, 1013)]
    assert data_filter["ColumnWildcard"] == {"ExcludedColumnNames": ["ssn"]}


def test_seeding_needs_lake_formation_grants_documented_in_the_script() -> None:
    header = (ASSETS / "seed_healthcare.sh").read_text().split("set -euo pipefail", 1)[0]
    (command,) = [line for line in header.splitlines() if "--permissions " in line]
    assert command.split("--permissions ", 1)[1].split() == [
        "SELECT",
        "INSERT",
        "ALTER",
        "DESCRIBE",
        "\\",
    ]


def _queries() -> dict[str, str]:
    """``QUERIES`` of the verification script, evaluated without importing pyspark."""
    tree = ast.parse((ASSETS / "fgac_queries.py").read_text())
    namespace: dict[str, Any] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and {getattr(t, "id", "") for t in node.targets} & {
            "DATABASE",
            "QUERIES",
        }:
            exec(compile(ast.Module([node], []), "fgac_queries.py", "exec"), namespace)
    queries: dict[str, str] = namespace["QUERIES"]
    return queries


def test_verification_job_queries_the_rendered_resource_links() -> None:
    app = lake_formation_app()
    (database,) = app.resources("consumer", "AWS::Glue::Database").values()
    links = {
        t["TableInput"]["TargetTable"]["Name"]: t["TableInput"]["Name"]
        for t in app.resources("consumer", "AWS::Glue::Table").values()
    }
    prefix = f"dev.{database['DatabaseInput']['Name']}"
    queries = _queries()
    assert queries["patients"] == f"SELECT * FROM {prefix}.{links['patients']}"
    assert queries["claims"] == f"SELECT * FROM {prefix}.{links['claims']}"
    assert (
        f"FROM {prefix}.{links['claims']} c JOIN {prefix}.{links['patients']} p"
        in (queries["claims-by-state"])
    )


def test_docs_pass_job_template_parameters_as_json() -> None:
    """Shorthand splits a value with a comma (``Queries=patients,claims``) into a list, which the
    CLI refuses for this map of strings; the docs give JSON, one string per parameter."""
    docs = (ASSETS.parents[3] / "docs/lake-formation.md").read_text()
    values = re.findall(r"--job-template-parameters '([^']*)'", docs)
    assert len(values) == 2
    parsed = [json.loads(v) for v in values]
    assert [p["Queries"] for p in parsed] == ["patients,claims-by-state", "claims,patients"]
    assert all(isinstance(v, str) for p in parsed for v in p.values())
    assert "--job-template-parameters EntryPoint=" not in docs
