"""Every access the running platform needs is allowed, and every one it must refuse is denied.

The rows come from the synthesized templates (see :mod:`tests.access.matrix`); a failing row names
the principal, the action, the resource and the statement to add (or the one that wrongly allows).
"""

from __future__ import annotations

from tests.access.conftest import reference_matrices
from tests.access.matrix import KNOWN_FAILURES, Row, StackAccess
from tests.harness.reference import BuiltApp


def test_access(access: StackAccess, access_row: Row) -> None:
    problem = access.problem(access_row)
    assert problem is None, problem


def test_every_reference_stack_has_a_matrix(reference: BuiltApp) -> None:
    covered = {matrix.stack: len(matrix.rows) for matrix in reference_matrices()}
    assert set(covered) == {stack.stack_name for stack in reference.stacks}
    assert all(covered.values()), covered


def test_each_runtime_writer_in_the_templates_has_rows() -> None:
    """Each resource type with a runtime writer yields its kind of row: nothing is skipped."""
    expected = {
        "AWS::EMR::Cluster": {"emr-log-write", "emr-service-trust", "emr-pass-role"},
        "AWS::EMRContainers::JobTemplate": {"eks-log-write", "eks-cloudwatch", "eks-irsa"},
        "AWS::CloudWatch::Alarm": {"alarm-publish"},
        "AWS::Events::Rule": {"rule-publish"},
        "AWS::EC2::FlowLog": {"flow-log-trust", "flow-log-write"},
        "Custom::AWSCDK-EKS-HelmChart": {"eks-chart-account-no-role"},
    }
    for matrix in reference_matrices():
        types = {r["Type"] for r in matrix.resolver.resources.values()}
        kinds = {row.kind for row in matrix.rows}
        for resource_type, needed in expected.items():
            if resource_type in types:
                assert needed <= kinds, f"{matrix.stack}: {resource_type} without {needed - kinds}"


def test_every_known_failure_marks_some_row() -> None:
    """A marker whose rows disappeared would hide nothing and mean nothing: remove it."""
    kinds = {row.kind for matrix in reference_matrices() for row in matrix.rows}
    assert set(KNOWN_FAILURES) <= kinds, set(KNOWN_FAILURES) - kinds
