"""cfn-lint over every synthesized template: zero errors."""

from __future__ import annotations

from tests.harness.checks import DEFAULT_LINT_REGIONS, cfn_lint_errors
from tests.harness.reference import BuiltApp


def test_template_has_no_cfn_lint_errors(reference: BuiltApp, stack_name: str) -> None:
    region = reference.artifact(stack_name).environment.region
    regions = [region] if region != "unknown-region" else list(DEFAULT_LINT_REGIONS)
    errors = cfn_lint_errors(reference.template(stack_name), regions)
    assert not errors, f"{stack_name}: cfn-lint errors:\n" + "\n".join(errors)
