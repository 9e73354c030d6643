"""The History Server's access rows on a stack whose event-log store has a writer in another
account: that account writes only through the bucket and key policies, the server only reads."""

from __future__ import annotations

import pytest

from tests.access.evaluator import OTHER_ACCOUNT
from tests.access.matrix import StackAccess
from tests.access.rows import stack_access
from tests.access.templates import DEFAULT_REGION
from tests.unit.observability.shs_app import ShsApp, shs_app

WRITER = "333333333333"


@pytest.fixture(scope="module")
def access() -> StackAccess:
    app: ShsApp = shs_app(writer_accounts=[WRITER])
    return stack_access("Shs", app.json, DEFAULT_REGION)


def test_every_history_server_row_holds(access: StackAccess) -> None:
    problems = [access.problem(row) for row in access.rows if row.kind.startswith("shs-")]
    assert [p for p in problems if p] == []


def test_rows_cover_reader_writers_and_the_other_account(access: StackAccess) -> None:
    kinds = {row.kind for row in access.rows}
    assert {
        "shs-read",
        "shs-read-directory-key",
        "shs-list",
        "shs-no-write",
        "shs-outside",
        "shs-irsa",
        "shs-irsa-other-account",
        "shs-cross-account-write",
        "shs-cross-account-outside",
        "shs-cross-account-kms",
        "shs-foreign-write",
        "eks-event-log",
        "eks-event-log-rename",
        "eks-event-log-directory-key",
        "eks-event-log-outside",
    } <= kinds
    writers = {
        row.principal.account for row in access.rows if row.kind == "shs-cross-account-write"
    }
    assert writers == {WRITER}
    foreign = [row for row in access.rows if row.kind == "shs-foreign-write"]
    assert all(row.principal.account == OTHER_ACCOUNT and not row.must_allow for row in foreign)


def test_event_log_rows_of_every_job_template_hold(access: StackAccess) -> None:
    rows = [row for row in access.rows if row.kind.startswith("eks-event-log")]
    assert len(rows) >= 4
    assert [access.problem(row) for row in rows if access.problem(row)] == []


def test_server_and_writers_may_read_the_directory_key_without_slash(
    access: StackAccess,
) -> None:
    """S3A's getFileStatus HEADs ``spark-events`` (no slash); a 403 there stops the server."""
    rows = [
        row
        for row in access.rows
        if row.kind in ("shs-read-directory-key", "eks-event-log-directory-key")
    ]
    assert {row.kind for row in rows} == {"shs-read-directory-key", "eks-event-log-directory-key"}
    for row in rows:
        assert row.resource.endswith("/spark-events"), row.resource
        assert row.must_allow
        assert access.problem(row) is None
