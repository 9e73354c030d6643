"""One snapshot per reference stack: every change to a template shows up in review.

Each snapshot file, ``__snapshots__/test_snapshots/test_template_matches_snapshot[<stack>].json``,
is the stack's CloudFormation template with asset hashes and CDK-version mappings masked, so
``make diff`` can hand it to ``cdk diff --template``. Update them with ``make snapshot-update`` and
review the diff before committing.
"""

from __future__ import annotations

import pytest
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.json import JSONSnapshotExtension

from tests.harness.masking import mask_template
from tests.harness.reference import BuiltApp


@pytest.fixture
def template_snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    return snapshot.use_extension(JSONSnapshotExtension)


def test_template_matches_snapshot(
    reference: BuiltApp, stack_name: str, template_snapshot: SnapshotAssertion
) -> None:
    masked = mask_template(reference.template(stack_name))
    assert masked == template_snapshot
