"""The reference app: every reference stack, built from one validated configuration.

``app.py`` and the test harness both call :func:`build_reference_app`, so what ``make synth``
deploys is exactly what the tests check. A new reference stack is one line in this function; the
harness (nag packs, cfn-lint, snapshots, stateful guard, manifest validation) picks it up by itself.
"""

from __future__ import annotations

import aws_cdk as cdk

from emr_burst.config import AppConfig
from emr_burst.stacks.network_stack import NetworkStack


def build_reference_app(app: cdk.App, config: AppConfig | None = None) -> list[cdk.Stack]:
    """Add every reference stack to ``app`` and return them in creation order."""
    config = config or AppConfig.from_context(app.node.try_get_context)
    stacks: list[cdk.Stack] = [
        NetworkStack(app, f"{_stack_prefix(config)}Network", config=config),
    ]
    for stack in stacks:
        cdk.Tags.of(stack).add("emr-burst:stack", stack.stack_name)
    return stacks


def _stack_prefix(config: AppConfig) -> str:
    """PascalCase form of the name prefix: ``emr-burst`` gives ``EmrBurst``."""
    return "".join(part.capitalize() for part in config.prefix.split("-"))
