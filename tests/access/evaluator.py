"""A small IAM policy evaluator for the access matrix: one request against resolved policies.

It models what the matrix needs and no more: explicit Deny over Allow; Action/NotAction,
Resource/NotResource and Principal/NotPrincipal with ``*`` and ``?``; the condition operators our
templates use (String*, Arn*, Bool, Null, with ``...IfExists`` and ForAnyValue/ForAllValues); the
same-account decision (identity Allow or resource Allow), the cross-account one (both), and
resources whose own policy must allow (KMS key policies and role trust policies, which can delegate
to IAM through the account root principal). The PyPI candidates (iam-ape: GPL-3, summarises a
principal's permissions from account data; aws-why: a prebuilt binary CLI; principalmapper: last
released in 2022) do not evaluate one request against resolved resource policies offline, so this
is written for the project and unit-tested in ``test_evaluator.py``.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

ACCOUNT = "111111111111"
OTHER_ACCOUNT = "222222222222"

PrincipalKind = Literal["AWS", "Service", "Federated"]
ContextValue = str | Sequence[str]


@dataclass(frozen=True)
class Principal:
    """Who asks: an IAM role ARN (``AWS``), a service (``Service``) or an OIDC provider."""

    kind: PrincipalKind
    id: str

    @property
    def account(self) -> str | None:
        """The account of an ``AWS`` principal (from its ARN); services and providers have none."""
        if self.kind != "AWS":
            return None
        parts = self.id.split(":")
        return parts[4] if len(parts) > 4 else self.id

    def __str__(self) -> str:
        return self.id if self.kind == "AWS" else f"{self.kind}:{self.id}"


@dataclass(frozen=True)
class Request:
    principal: Principal
    action: str
    resource: str
    context: Mapping[str, ContextValue] = field(default_factory=dict)


@dataclass(frozen=True)
class Statement:
    """One resolved statement and where it comes from (logical id and Sid or index)."""

    source: str
    document: Mapping[str, Any]

    @property
    def effect(self) -> str:
        return str(self.document.get("Effect", ""))

    def __str__(self) -> str:
        return f"{self.source}: {json.dumps(self.document, sort_keys=True)}"


@dataclass(frozen=True)
class Policy:
    source: str
    statements: tuple[Statement, ...]

    @classmethod
    def from_document(cls, source: str, document: Mapping[str, Any] | str) -> Policy:
        """A policy from a resolved document; a JSON string (an IRSA trust) is parsed first."""
        doc = json.loads(document) if isinstance(document, str) else document
        raw = doc.get("Statement", [])
        statements = raw if isinstance(raw, list) else [raw]
        return cls(
            source,
            tuple(
                Statement(f"{source} statement {s.get('Sid') or i}", s)
                for i, s in enumerate(statements)
            ),
        )


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str
    allowed_by: tuple[Statement, ...] = ()
    denied_by: tuple[Statement, ...] = ()


# --- matching ----------------------------------------------------------------------------------


@functools.lru_cache(maxsize=4096)
def _glob_regex(pattern: str, ignore_case: bool) -> re.Pattern[str]:
    body = "".join(".*" if ch == "*" else "." if ch == "?" else re.escape(ch) for ch in pattern)
    return re.compile(f"^{body}$", re.DOTALL | (re.IGNORECASE if ignore_case else 0))


def glob_match(pattern: str, value: str, *, ignore_case: bool = False) -> bool:
    """IAM wildcard matching: ``*`` any run of characters, ``?`` exactly one."""
    return bool(_glob_regex(pattern, ignore_case).match(value))


def arn_match(pattern: str, value: str) -> bool:
    """ArnLike/ArnEquals: each of the six colon-separated parts is matched on its own."""
    if pattern == "*":
        return True
    want, got = pattern.split(":", 5), value.split(":", 5)
    return len(want) == len(got) == 6 and all(map(glob_match, want, got))


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def _match_any(patterns: Any, value: str, *, ignore_case: bool) -> bool:
    return any(glob_match(str(p), value, ignore_case=ignore_case) for p in _as_list(patterns))


def _action_matches(stmt: Mapping[str, Any], action: str) -> bool:
    if "NotAction" in stmt:
        return not _match_any(stmt["NotAction"], action, ignore_case=True)
    return _match_any(stmt.get("Action"), action, ignore_case=True)


def _resource_matches(stmt: Mapping[str, Any], resource: str) -> bool:
    if "NotResource" in stmt:
        return not _match_any(stmt["NotResource"], resource, ignore_case=False)
    if "Resource" not in stmt:  # trust policies name no resource: the role itself
        return True
    return _match_any(stmt["Resource"], resource, ignore_case=False)


PrincipalMatch = Literal["direct", "account"] | None


def _principal_in(block: Any, principal: Principal) -> PrincipalMatch:
    """How a Principal block names ``principal``: itself (or ``*``), its account root, or not."""
    if block == "*":
        return "direct"
    if not isinstance(block, Mapping):
        return None
    best: PrincipalMatch = None
    for kind, values in block.items():
        for item in _as_list(values):
            value = str(item)
            if kind == "AWS" and value == "*":
                return "direct"
            if kind != principal.kind:
                continue
            if value == principal.id:
                return "direct"
            if (
                kind == "AWS"
                and principal.account
                and value
                in (
                    principal.account,
                    f"arn:aws:iam::{principal.account}:root",
                )
            ):
                best = "account"
    return best


def _principal_matches(stmt: Mapping[str, Any], principal: Principal) -> PrincipalMatch:
    if "NotPrincipal" in stmt:
        return None if _principal_in(stmt["NotPrincipal"], principal) else "direct"
    return _principal_in(stmt.get("Principal"), principal)


# --- conditions --------------------------------------------------------------------------------


def _string_op(base: str) -> tuple[Any, bool]:
    """(value matcher, negated) of a condition operator without prefix or IfExists."""
    ops: dict[str, Any] = {
        "StringEquals": lambda want, got: want == got,
        "StringEqualsIgnoreCase": lambda want, got: want.lower() == got.lower(),
        "StringLike": glob_match,
        "ArnEquals": arn_match,
        "ArnLike": arn_match,
        "Bool": lambda want, got: want.lower() == got.lower(),
    }
    negated = base.startswith(("StringNot", "ArnNot"))
    positive = base.replace("StringNot", "String").replace("ArnNot", "Arn")
    if positive not in ops:
        raise NotImplementedError(f"condition operator {base} is not modelled by the evaluator")
    return ops[positive], negated


def _context_lookup(context: Mapping[str, ContextValue], key: str) -> list[str] | None:
    lowered = key.lower()  # condition keys are case-insensitive
    for name, value in context.items():
        if name.lower() == lowered:
            return [value] if isinstance(value, str) else [str(v) for v in value]
    return None


def _json_str(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def condition_holds(operator: str, key: str, wanted: Any, context: Mapping[str, Any]) -> bool:
    """One ``{operator: {key: wanted}}`` condition against the request context."""
    values = [_json_str(v) for v in _as_list(wanted)]
    got = _context_lookup(context, key)
    qualifier, _, base = operator.rpartition(":")
    if_exists = base.endswith("IfExists")
    base = base.removesuffix("IfExists")
    if base == "Null":
        return (got is None) == (values[0].lower() == "true")
    matcher, negated = _string_op(base)
    if not got:  # an absent key matches nothing; negated operators and IfExists then hold
        return if_exists or negated or qualifier == "ForAllValues"

    def hit(item: str) -> bool:
        return any(matcher(want, item) for want in values)

    if qualifier == "ForAllValues":
        result = all(hit(item) for item in got)
    else:  # ForAnyValue, or a single-valued key
        result = any(hit(item) for item in got)
    return not result if negated else result


def _conditions_hold(stmt: Mapping[str, Any], context: Mapping[str, Any]) -> bool:
    return all(
        condition_holds(operator, key, wanted, context)
        for operator, block in stmt.get("Condition", {}).items()
        for key, wanted in block.items()
    )


def statement_applies(
    stmt: Statement, request: Request, *, resource_policy: bool
) -> PrincipalMatch:
    """Whether a statement applies; for a resource policy, how it names the principal."""
    doc = stmt.document
    if not (_action_matches(doc, request.action) and _resource_matches(doc, request.resource)):
        return None
    context = {"aws:SecureTransport": "true", **request.context}
    if not _conditions_hold(doc, context):
        return None
    if resource_policy:
        return _principal_matches(doc, request.principal)
    return "direct"


# --- the decision ------------------------------------------------------------------------------


def evaluate(
    request: Request,
    *,
    identity: Sequence[Policy] | None,
    resource: Sequence[Policy] | None,
    resource_account: str = ACCOUNT,
    resource_policy_required: bool = False,
) -> Decision:
    """Decide one request.

    :param identity: the principal's identity policies; ``None`` for a principal of another
        account whose policies we cannot see (assumed to allow everything: the worst case).
        Service and federated principals have none.
    :param resource: the resource's own policies; ``None`` when the resource is not in the
        templates (bootstrap or public buckets), then identity policies alone decide.
    :param resource_policy_required: KMS keys and role trusts: the resource policy must allow,
        directly or by naming the account root, which delegates to identity policies.
    """
    identity_statements = [s for p in identity or () for s in p.statements]
    resource_statements = [s for p in resource or () for s in p.statements]
    denied = tuple(
        s
        for s in identity_statements
        if s.effect == "Deny" and statement_applies(s, request, resource_policy=False)
    ) + tuple(
        s
        for s in resource_statements
        if s.effect == "Deny" and statement_applies(s, request, resource_policy=True)
    )
    if denied:
        return Decision(False, "explicitly denied", denied_by=denied)

    identity_allows = tuple(
        s
        for s in identity_statements
        if s.effect == "Allow" and statement_applies(s, request, resource_policy=False)
    )
    direct: list[Statement] = []
    by_account: list[Statement] = []
    for s in resource_statements:
        if s.effect != "Allow":
            continue
        how = statement_applies(s, request, resource_policy=True)
        if how == "direct":
            direct.append(s)
        elif how == "account":
            by_account.append(s)

    principal = request.principal
    identity_ok = bool(identity_allows) if identity is not None else principal.kind == "AWS"
    if principal.kind != "AWS":
        ok, by = bool(direct), tuple(direct)
        why = "the resource policy admits the service" if ok else "no resource policy admits it"
    elif resource is None:
        ok, by = identity_ok, identity_allows
        why = "identity policy" if ok else "no identity policy allows it"
    elif resource_policy_required:
        ok = bool(direct) or (bool(by_account) and identity_ok)
        by = tuple(direct) or (tuple(by_account) + identity_allows)
        why = "resource policy" if ok else "the resource policy (key or trust) does not allow it"
    elif principal.account != resource_account:
        ok = identity_ok and bool(direct or by_account)
        by = tuple(direct) + tuple(by_account) + identity_allows
        why = "cross-account" if ok else "cross-account access needs both policies to allow"
    else:
        ok = identity_ok or bool(direct)
        by = identity_allows + tuple(direct)
        why = "same account" if ok else "neither an identity nor a resource policy allows it"
    return Decision(ok, why, allowed_by=by if ok else ())
