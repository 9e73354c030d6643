"""The one place that knows how to acknowledge cdk-nag 3 findings.

Constructs acknowledge their own findings next to the resource that causes them, so that users who
compose our constructs never have to. cdk-nag 3 acknowledges one finding id at a time (granular ids
such as ``AwsSolutions-IAM5[Action::s3:List*]`` are separate findings), through
``cdk.Validations.of(scope).acknowledge``; this module builds those ids and refuses reasons that do
not explain anything.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

import aws_cdk as cdk
import jsii
from constructs import IConstruct, IValidation

from emr_burst.core.errors import EmrBurstError, Problem

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


class NagReasonError(EmrBurstError):
    """A finding was acknowledged with a malformed id or a reason that explains nothing."""

    def __init__(self, message: str) -> None:
        super().__init__([Problem("cdk-nag acknowledgment", "", None, message)])


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


def target(scope: IConstruct, value: object) -> str:
    """The way cdk-nag writes ``value`` (an ARN that may hold tokens) inside a granular finding id.

    ``Fn::GetAtt`` becomes ``<LogicalId.Attr>``, ``Ref`` becomes ``<Name>``, ``Fn::Join`` is
    concatenated, and a literal stays as it is, so that a construct can acknowledge a finding on a
    resource whose logical ID it does not spell out, e.g.
    ``"Resource::" + target(role, bucket.arn_for_objects("team/*"))``.
    """
    return _render(cdk.Stack.of(scope).resolve(value))


def resource_target(scope: IConstruct, arn: object) -> str:
    """The granular ``Resource::...`` target of ``arn``, e.g. ``Resource::<Bucket1234.Arn>/*``."""
    return "Resource::" + target(scope, arn)


def _render(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and len(value) == 1:
        ((key, arg),) = value.items()
        if key == "Ref":
            return f"<{arg}>"
        if key == "Fn::GetAtt" and isinstance(arg, list):
            return f"<{'.'.join(str(part) for part in arg)}>"
        if key == "Fn::Join" and isinstance(arg, list) and len(arg) == 2:
            separator, parts = arg
            return str(separator).join(_render(part) for part in parts)
    return json.dumps(value, separators=(",", ":"))


def acknowledge_resources(
    scope: IConstruct, reason: str, rule_id: str, resources: Iterable[object]
) -> None:
    """Acknowledge ``rule_id`` on granular ``Resource::`` targets built from ``resources`` (ARNs).

    A resource of another stack appears in the synthesized template, and so in cdk-nag's finding
    id, as an ``Fn::GetStackOutput`` that CDK creates only while it synthesizes. The targets are
    therefore acknowledged twice: now, as the construct tree renders them, and again when the tree
    is validated, after CDK has resolved cross-stack references.
    """
    values = list(resources)
    acknowledge(
        scope, reason, rule_id, applies_to=[resource_target(scope, value) for value in values]
    )
    scope.node.add_validation(_LateAcknowledgment(scope, reason, rule_id, values))


@jsii.implements(IValidation)
class _LateAcknowledgment:
    def __init__(
        self, scope: IConstruct, reason: str, rule_id: str, resources: list[object]
    ) -> None:
        self._scope = scope
        self._reason = reason
        self._rule_id = rule_id
        self._resources = resources

    def validate(self) -> list[str]:
        acknowledge(
            self._scope,
            self._reason,
            self._rule_id,
            applies_to=[resource_target(self._scope, value) for value in self._resources],
        )
        return []


#: Construct ID of the singleton Lambda behind every ``AwsCustomResource`` of a stack.
SDK_PROVIDER_ID = "AWS679f53fac002430cb0da5b7982bd2287"


def acknowledge_sdk_provider(scope: IConstruct, *, calls: str, logs: str) -> None:
    """Acknowledge what CDK's shared ``AwsCustomResource`` Lambda of ``scope``'s stack cannot fix.

    ``calls`` says which SDK calls it makes for the caller (``"creates and deletes EMR job
    templates"``), ``logs`` what its log group records. Callers with different purposes may share
    the one provider; each adds its own reason.
    """
    provider = cdk.Stack.of(scope).node.try_find_child(SDK_PROVIDER_ID)
    if provider is None:
        return
    acknowledge(
        provider,
        f"CDK's AwsCustomResource provider {calls} during deployments; CloudFormation invokes "
        "it synchronously and retries, so it needs no VPC, dead-letter queue or reserved "
        "concurrency, and aws-cdk-lib picks its runtime.",
        "AwsSolutions-L1",
        *across_packs("LambdaConcurrency"),
        *across_packs("LambdaDLQ"),
        *across_packs("LambdaInsideVPC"),
    )
    acknowledge(
        provider,
        f"The provider's log group records {logs}.",
        *across_packs("CloudWatchLogGroupEncrypted"),
    )
    acknowledge(
        provider,
        "The provider's role carries only AWSLambdaBasicExecutionRole, the AWS-managed policy for "
        "writing its own CloudWatch log streams.",
        "AwsSolutions-IAM4",
        applies_to=[
            "Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
        ],
    )
