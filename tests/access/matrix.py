"""The runtime access matrix: the accesses a deployed stack needs, and those it must refuse.

Rows are derived from the synthesized template's own values (:mod:`tests.access.rows`) and
evaluated here against every policy in the same template (:mod:`tests.access.evaluator`); a
failing row says which statement to add, or which statement wrongly allows it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from tests.access.evaluator import ACCOUNT, Decision, Principal, Request, evaluate
from tests.access.templates import Resolver, TemplatePolicies


@dataclass(frozen=True)
class Row:
    """One access: ``principal`` does ``action`` on ``resource`` with ``context``."""

    stack: str
    kind: str
    label: str  # who, for the test id: a logical id or a service name
    principal: Principal
    action: str
    resource: str
    must_allow: bool
    because: str
    context: Mapping[str, str] = field(default_factory=dict)

    @property
    def id(self) -> str:
        verdict = "allow" if self.must_allow else "deny"
        return f"{self.stack}:{self.label}:{self.action}:{self.kind}:{verdict}"

    @property
    def request(self) -> Request:
        return Request(self.principal, self.action, self.resource, self.context)


@dataclass
class StackAccess:
    """A stack's resolved template, its policies and its rows."""

    stack: str
    resolver: Resolver
    policies: TemplatePolicies
    rows: list[Row]

    def decide(self, row: Row) -> Decision:
        principal = row.principal
        if row.action.startswith("lakeformation:") and row.resource.startswith(
            "arn:aws:lakeformation:"
        ):  # a catalog object: Lake Formation grants alone decide (templates.lake_formation_arn)
            return evaluate(
                row.request,
                identity=None,
                resource=self.policies.resource.get(row.resource, []),
                resource_policy_required=True,
            )
        identity = None
        if principal.kind == "AWS" and principal.account == ACCOUNT:
            identity = self.policies.identity.get(principal.id, [])
        owner = self.policies.owner_of(row.resource)
        resource = self.policies.resource_policies(row.resource)
        if owner in self.policies.roles and not row.action.startswith("sts:"):
            owner, resource = None, None  # a trust policy governs assuming the role, nothing else
        return evaluate(
            row.request,
            identity=identity,
            resource=resource,
            resource_policy_required=owner in self.policies.policy_required,
        )

    def problem(self, row: Row) -> str | None:
        """Why a row fails, with the statement to add or the one that wrongly allows; else None."""
        decision = self.decide(row)
        if decision.allowed == row.must_allow:
            return None
        context = (
            f" with context {json.dumps(dict(row.context), sort_keys=True)}" if row.context else ""
        )
        head = (
            f"{row.stack}: {row.principal} ({row.label}) {row.action} on {row.resource}{context}"
            f" [{row.because}]"
        )
        if row.must_allow:
            if decision.denied_by:
                return f"{head} is explicitly denied by {'; '.join(map(str, decision.denied_by))}"
            where, statement = self._statement_to_add(row)
            return f"{head} is denied ({decision.reason}). Add to {where}: {json.dumps(statement)}"
        return (
            f"{head} must be denied but is allowed by: "
            + "; ".join(map(str, decision.allowed_by))
            + ". Remove that statement or narrow it (principal, resource or conditions)"
            + (
                f'; for a service principal add {{"StringEquals": {{"aws:SourceAccount": '
                f'"{ACCOUNT}"}}, "ArnLike": {{"aws:SourceArn": "<the own source ARN>"}}}}.'
                if row.principal.kind == "Service"
                else "."
            )
        )

    def _statement_to_add(self, row: Row) -> tuple[str, dict[str, Any]]:
        statement: dict[str, Any] = {
            "Effect": "Allow",
            "Action": row.action,
            "Resource": row.resource,
        }
        owner = self.policies.owner_of(row.resource)
        holders = [p.source for p in self.policies.resource.get(owner or "", [])]
        holder = " / ".join(holders) or f"a resource policy of {owner}"
        if row.principal.kind == "AWS":
            delegating = (
                owner is None
                or owner not in self.policies.policy_required
                or self._key_delegates(row)
            )
            if delegating:
                return f"an identity policy of {row.principal.id}", statement
            statement["Principal"] = {"AWS": row.principal.id}
            return holder, statement
        statement["Principal"] = {row.principal.kind: row.principal.id}
        conditions: dict[str, dict[str, str]] = {}
        for key, value in row.context.items():
            operator = "ArnLike" if key == "aws:SourceArn" else "StringEquals"
            if key.startswith("aws:Source") or key.endswith((":sub", ":aud")):
                conditions.setdefault(operator, {})[key] = value
        if conditions:
            statement["Condition"] = conditions
        return holder, statement

    def _key_delegates(self, row: Row) -> bool:
        """Whether the key or trust policy lets identity policies decide (names the root)."""
        return evaluate(
            row.request,
            identity=None,
            resource=self.policies.resource_policies(row.resource),
            resource_policy_required=True,
        ).allowed


#: Rows that fail today for a known, reported reason, by row kind: the two defects of issue 8, and
#: what this matrix found besides (reported to the lead). Each becomes a strict xfail, so the fix
#: turns it into an XPASS failure and forces the marker's removal.
KNOWN_FAILURES: dict[str, str] = {}
