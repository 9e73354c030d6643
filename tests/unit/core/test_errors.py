"""The library's one error type: every problem at once, one line each, prop, value and fix."""

from __future__ import annotations

import aws_cdk as cdk
import pytest

from emr_burst.core import rules
from emr_burst.core.errors import Checker, EmrBurstError, Problem, show


def test_every_problem_is_reported_at_once_one_line_each() -> None:
    stack = cdk.Stack(cdk.App(), "S")
    check = Checker(stack, "Thing", "Widget")
    check.rule("cidr", "10.0.0.1/16", rules.cidr)
    check.rule("count", 9, rules.integer(1, 4))
    check.rule("name", "ok-name", rules.dns_label)
    with pytest.raises(EmrBurstError) as err:
        check.raise_if_any()
    assert isinstance(err.value, ValueError)
    assert [p.prop for p in err.value.problems] == ["cidr", "count"]
    assert err.value.lines()[1] == "Widget 'S/Thing': count = 9: use a whole number from 1 to 4"
    assert str(err.value).count("\n") == 1


def test_values_are_shown_briefly_and_durations_readably() -> None:
    assert show(cdk.Duration.minutes(7)) == "Duration(7 minutes)"
    assert len(show("x" * 500)) == 120
    assert str(Problem("where", "", None, "fix it")) == "where: fix it"


def test_tokens_pass_every_rule_that_cannot_judge_them() -> None:
    token = cdk.Aws.REGION
    assert rules.cidr(token) is None
    assert rules.region(token) is None
    assert rules.unresolved(["a", "b"]) is False
    assert rules.unresolved([object()]) is False


def test_choices_parse_strings_and_list_the_members() -> None:
    assert rules.choice(cdk.RemovalPolicy, "retain") is cdk.RemovalPolicy.RETAIN
    fix = rules.choice(cdk.RemovalPolicy, "retian")
    assert isinstance(fix, str)
    assert "did you mean" in fix
