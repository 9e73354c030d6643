"""IAM the library's way: roles whose permissions live in one customer-managed policy."""

from __future__ import annotations

from typing import Any

from aws_cdk import aws_iam as iam
from constructs import Construct


class ManagedPolicyRole(iam.Role):
    """A role whose grants land in one customer-managed policy instead of an inline policy.

    HIPAA and NIST 800-53 forbid inline policies; ``bucket.grant_read(role)`` and friends call
    ``add_to_principal_policy``, which this class routes into ``self.policy``.
    """

    def __init__(self, scope: Construct, construct_id: str, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.policy = iam.ManagedPolicy(self, "Policy", roles=[self])

    def add_to_principal_policy(
        self, statement: iam.PolicyStatement
    ) -> iam.AddToPrincipalPolicyResult:
        self.policy.add_statements(statement)
        return iam.AddToPrincipalPolicyResult(statement_added=True, policy_dependable=self.policy)
