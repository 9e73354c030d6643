"""Guard on stateful resources: none is renamed, lost or made deletable without a reviewed update.

The committed list ``stateful_resources.json`` names every bucket, database, key, log group and
secret by stack and logical ID with its policies. Renaming a logical ID replaces the resource and
its data, so a change here must be deliberate: ``make stateful-update``, then review the diff.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.harness.checks import stateful_inventory, stateful_problems
from tests.harness.reference import BuiltApp

COMMITTED = Path(__file__).with_name("stateful_resources.json")


def test_stateful_resources_match_the_committed_list(
    reference: BuiltApp, request: pytest.FixtureRequest
) -> None:
    current = stateful_inventory(reference.templates)
    if request.config.getoption("--update-stateful"):
        COMMITTED.write_text(json.dumps(current, indent=2, sort_keys=True) + "\n")
    committed = json.loads(COMMITTED.read_text())
    problems = stateful_problems(committed, current)
    assert not problems, (
        "stateful resources differ from tests/snapshot/stateful_resources.json:\n  "
        + "\n  ".join(problems)
        + "\nIf this is deliberate, run `make stateful-update` and review the diff."
    )


def test_every_stateful_resource_is_retained(reference: BuiltApp) -> None:
    deletable = [
        f"{stack}/{logical_id}"
        for stack, resources in stateful_inventory(reference.templates).items()
        for logical_id, policies in resources.items()
        if "Delete" in (policies["DeletionPolicy"], policies["UpdateReplacePolicy"])
    ]
    assert not deletable, f"stateful resources deleted with their stack: {deletable}"
