"""The nag helper refuses acknowledgments that explain nothing and builds cdk-nag 3 finding ids."""

from __future__ import annotations

import aws_cdk as cdk
import pytest

from emr_burst.core import nag as _nag

GOOD = "The bucket stores only CloudFront access logs, which cannot be logged to themselves."


@pytest.mark.parametrize(
    "reason",
    [
        "",
        "ok",
        "N/A",
        "false positive",
        "Suppressed.",
        "TODO: explain why this is fine later on",
        "short",
    ],
)
def test_fails_when_the_reason_is_generic_short_or_a_placeholder(reason: str) -> None:
    with pytest.raises(_nag.NagReasonError):
        _nag.check_reason(reason)


def test_accepts_a_specific_reason() -> None:
    _nag.check_reason(GOOD)


def test_expands_granular_targets_per_rule() -> None:
    assert _nag.finding_ids(["AwsSolutions-IAM5"], ["Action::s3:List*", "Resource::*"]) == [
        "AwsSolutions-IAM5[Action::s3:List*]",
        "AwsSolutions-IAM5[Resource::*]",
    ]
    assert _nag.finding_ids(_nag.across_packs("LambdaDLQ")) == [
        "HIPAA.Security-LambdaDLQ",
        "NIST.800.53.R5-LambdaDLQ",
    ]


@pytest.mark.parametrize("rule", ["IAM5", "AwsSolutions-IAM5[Action::*]", "PCI.DSS.321-S3Foo", ""])
def test_fails_when_the_rule_id_is_malformed(rule: str) -> None:
    with pytest.raises(_nag.NagReasonError):
        _nag.finding_ids([rule])


def test_fails_without_a_rule() -> None:
    with pytest.raises(_nag.NagReasonError, match="at least one rule"):
        _nag.acknowledge(cdk.Stack(cdk.App(), "S"), GOOD)
