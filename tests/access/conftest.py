"""Parametrizes the access-matrix tests with every row of every reference stack."""

from __future__ import annotations

import functools
from collections import Counter

import pytest

from tests.access.matrix import KNOWN_FAILURES, Row, StackAccess
from tests.access.rows import stack_access
from tests.access.templates import DEFAULT_REGION
from tests.conftest import _reference_app


@functools.cache
def reference_matrices() -> tuple[StackAccess, ...]:
    """The access matrix of every reference stack (the session's one synthesized app)."""
    app = _reference_app()
    found = []
    for stack in app.stacks:
        region = app.artifact(stack.stack_name).environment.region
        if region.startswith("unknown"):
            region = DEFAULT_REGION
        found.append(
            stack_access(stack.stack_name, app.template(stack.stack_name), region, app.templates)
        )
    return tuple(found)


def row_ids(rows: list[Row]) -> list[str]:
    """Test ids (stack, principal, action, kind, verdict), numbered where they repeat."""
    totals = Counter(row.id for row in rows)
    seen: Counter[str] = Counter()
    ids = []
    for row in rows:
        seen[row.id] += 1
        ids.append(row.id if totals[row.id] == 1 else f"{row.id}#{seen[row.id]}")
    return ids


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "access_row" not in metafunc.fixturenames:
        return
    params = []
    for matrix in reference_matrices():
        for row, row_id in zip(matrix.rows, row_ids(matrix.rows), strict=True):
            marks = []
            if row.kind in KNOWN_FAILURES:
                marks.append(pytest.mark.xfail(strict=True, reason=KNOWN_FAILURES[row.kind]))
            params.append(pytest.param(matrix, row, id=row_id, marks=marks))
    metafunc.parametrize(("access", "access_row"), params)
