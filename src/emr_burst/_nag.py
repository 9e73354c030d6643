"""The one place that knows how to acknowledge cdk-nag 3 findings.

Constructs acknowledge their own findings next to the resource that causes them, so that users who
compose our constructs never have to. cdk-nag 3 acknowledges one finding id at a time (granular ids
such as ``AwsSolutions-IAM5[Action::s3:List*]`` are separate findings), through
``cdk.Validations.of(scope).acknowledge``; this module builds those ids and refuses reasons that do
not explain anything.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import aws_cdk as cdk
from constructs import IConstruct

#: Rule-id prefixes of the three packs the project runs.
PACK_PREFIXES = ("AwsSolutions-", "HIPAA.Security-", "NIST.800.53.R5-")

_MIN_REASON_CHARS = 40
_MIN_REASON_WORDS = 7
_GENERIC_REASONS = re.compile(
    r"^\s*(n/?a|none|ok(ay)?|todo|tbd|fixme|false positive|not (needed|applicable|required)|"
    r"suppress(ed)?|ignore(d)?|accepted|by design|intended|known issue|later)\W*$",
    re.IGNORECASE,
)
_PLACEHOLDER = re.compile(r"\b(todo|tbd|fixme|xxx|lorem ipsum)\b", re.IGNORECASE)
_RULE_ID = re.compile(r"^(AwsSolutions|HIPAA\.Security|NIST\.800\.53\.R5)-[A-Za-z0-9]+$")


class NagReasonError(ValueError):
    """A finding was acknowledged with a malformed id or a reason that explains nothing."""


def check_reason(reason: str) -> None:
    """Raise :class:`NagReasonError` unless ``reason`` says specifically why the finding is fine."""
    text = " ".join(reason.split())
    if _GENERIC_REASONS.match(text):
        raise NagReasonError(f"nag reason {reason!r} is generic: say why this resource is safe")
    if _PLACEHOLDER.search(text):
        raise NagReasonError(f"nag reason {reason!r} is a placeholder: write the real reason")
    if len(text) < _MIN_REASON_CHARS or len(text.split()) < _MIN_REASON_WORDS:
        raise NagReasonError(
            f"nag reason {reason!r} is too short: at least {_MIN_REASON_WORDS} words and "
            f"{_MIN_REASON_CHARS} characters that say why this resource is safe"
        )


def finding_ids(rule_ids: Iterable[str], applies_to: Iterable[str] = ()) -> list[str]:
    """Expand rules and granular targets into cdk-nag 3 finding ids.

    ``finding_ids(["AwsSolutions-IAM5"], ["Action::s3:List*"])`` gives
    ``["AwsSolutions-IAM5[Action::s3:List*]"]``; with no targets the rule ids themselves.
    """
    rules = list(rule_ids)
    targets = list(applies_to)
    if not rules:
        raise NagReasonError("acknowledge at least one rule id")
    for rule in rules:
        if not _RULE_ID.match(rule):
            raise NagReasonError(
                f"nag rule id {rule!r} is not of the form <pack>-<Rule> with a pack among "
                f"{', '.join(p.rstrip('-') for p in PACK_PREFIXES)}"
            )
    if not targets:
        return rules
    return [f"{rule}[{target}]" for rule in rules for target in targets]


def acknowledge(
    scope: IConstruct,
    reason: str,
    *rule_ids: str,
    applies_to: Iterable[str] = (),
) -> None:
    """Acknowledge findings on ``scope`` and everything below it, with one specific reason.

    Example::

        acknowledge(
            role,
            "Flow-log delivery must create streams in its own log group; the wildcard is the "
            "stream name inside that one group.",
            "AwsSolutions-IAM5",
            applies_to=["Resource::<FlowLogGroup1234.Arn>:*"],
        )
    """
    check_reason(reason)
    validations = cdk.Validations.of(scope)
    for finding in finding_ids(rule_ids, applies_to):
        validations.acknowledge(cdk.Acknowledgment(id=finding, reason=reason))


def across_packs(rule: str) -> tuple[str, str]:
    """The HIPAA and NIST 800-53 rev 5 ids of a rule the two packs share (e.g. ``LambdaDLQ``)."""
    return (f"HIPAA.Security-{rule}", f"NIST.800.53.R5-{rule}")


def resource_target(scope: IConstruct, arn: str) -> str:
    """The granular ``Resource::...`` target cdk-nag prints for ``arn`` in ``scope``'s stack.

    cdk-nag renders intrinsics as ``<LogicalId.Arn>`` (``Fn::GetAtt``), ``<LogicalId>`` or
    ``<AWS::AccountId>`` (``Ref``) and joins the parts, e.g.
    ``Resource::<MigrationBucketD3297513.Arn>/*``.
    """
    return "Resource::" + _render(cdk.Stack.of(scope).resolve(arn))


def _render(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        if "Fn::Join" in value:
            separator, parts = value["Fn::Join"]
            return str(separator).join(_render(part) for part in parts)
        if "Fn::GetAtt" in value:
            logical_id, attribute = value["Fn::GetAtt"]
            return f"<{logical_id}.{attribute}>"
        if "Ref" in value:
            return f"<{value['Ref']}>"
    raise NagReasonError(f"cannot render {value!r} the way cdk-nag prints resources")
