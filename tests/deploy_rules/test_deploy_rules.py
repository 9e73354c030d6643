"""Every deploy-time rule over every reference stack: what AWS enforces at deploy or run time and
neither cfn-lint nor cdk-nag checks."""

from __future__ import annotations

import pytest

from tests.deploy_rules.rules import RULES
from tests.harness.reference import BuiltApp


@pytest.mark.parametrize("rule", sorted(RULES))
def test_stack_obeys_deploy_time_rule(reference: BuiltApp, stack_name: str, rule: str) -> None:
    problems = RULES[rule](reference.template(stack_name))
    assert not problems, f"{stack_name} breaks {rule}:\n" + "\n".join(problems)
