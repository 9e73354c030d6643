"""IAM the library's way: roles whose permissions live in one customer-managed policy."""

from __future__ import annotations

import weakref
from typing import Any

from aws_cdk import Token
from aws_cdk import aws_iam as iam
from constructs import Construct, IConstruct


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


#: Role names claimed per app: IAM names are account-wide, so two roles of one name fail to deploy.
_CLAIMED: weakref.WeakKeyDictionary[IConstruct, dict[str, str]] = weakref.WeakKeyDictionary()


def claim_role_name(scope: IConstruct, role_name: str, owner: str) -> str | None:
    """Record that ``owner`` creates an IAM role named ``role_name`` in this app.

    Returns the problem when another construct of the app already claimed the name.
    """
    if Token.is_unresolved(role_name):
        return None
    claimed = _CLAIMED.setdefault(scope.node.root, {})
    other = claimed.get(role_name)
    if other is not None and other != owner:
        return (
            f"{other} already creates a role of that name; IAM role names are unique in an "
            "account, so give this one another name"
        )
    claimed[role_name] = owner
    return None
