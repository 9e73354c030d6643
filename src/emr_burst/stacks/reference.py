"""The reference app: every reference stack, built from one validated configuration.

``app.py``, the test harness and ``make bench`` all call :func:`build_reference_app`, so what
``make synth`` deploys is exactly what the tests check. A new reference stack is one
``stacks.add(...)`` line in this function; the harness (nag packs, cfn-lint, snapshots, stateful
guard, manifest validation) picks it up by itself.
"""

from __future__ import annotations

import time
from typing import Any, TypeVar

import aws_cdk as cdk

from emr_burst.config import AppConfig
from emr_burst.stacks.emr_eks_stack import EmrEksStack, EmrEksTeamsStack, team_stack_chunks
from emr_burst.stacks.hybrid_stacks import (
    HybridComputeNetworkStack,
    HybridComputeStack,
    HybridOnPremStack,
)
from emr_burst.stacks.lake_formation_stacks import (
    LakeFormationConsumerStack,
    LakeFormationProducerStack,
)
from emr_burst.stacks.metastore_stacks import ExternalMetastoreStack, HiveMetastoreStack
from emr_burst.stacks.network_stack import NetworkStack
from emr_burst.stacks.spark_history_stack import SparkHistoryStack
from emr_burst.stacks.yunikorn_stack import YuniKornStack

StackT = TypeVar("StackT", bound=cdk.Stack)


class ReferenceStacks:
    """The stacks of one reference app, in creation order, with how long each took to build."""

    def __init__(self, app: cdk.App, config: AppConfig) -> None:
        self.app = app
        self.config = config
        self.stacks: list[cdk.Stack] = []
        self.construct_seconds: dict[str, float] = {}

    def add(self, stack_class: type[StackT], name: str, **props: Any) -> StackT:
        """Create ``stack_class`` with construct ID ``<Prefix><name>``, e.g. ``EmrBurstNetwork``."""
        started = time.perf_counter()
        stack = stack_class(self.app, f"{_pascal(self.config.prefix)}{name}", **props)
        self.construct_seconds[stack.stack_name] = time.perf_counter() - started
        cdk.Tags.of(stack).add("emr-burst:stack", stack.stack_name)
        self.stacks.append(stack)
        return stack


def build_reference_app(app: cdk.App, config: AppConfig | None = None) -> ReferenceStacks:
    """Add every reference stack to ``app``; the configuration comes from the app's context."""
    config = config or AppConfig.from_app(app)
    stacks = ReferenceStacks(app, config)
    network = stacks.add(NetworkStack, "Network", config=config)
    platform = stacks.add(EmrEksStack, "EmrEks", config=config, network=network)
    for number, teams in enumerate(team_stack_chunks(config.eks.teams), start=2):
        stacks.add(
            EmrEksTeamsStack,
            f"EmrEksTeams{number}",
            config=config,
            platform_stack=platform,
            teams=teams,
        )
    stacks.add(YuniKornStack, "YuniKorn", config=config, network=network)
    compute_network = stacks.add(HybridComputeNetworkStack, "HybridComputeNetwork", config=config)
    onprem = stacks.add(
        HybridOnPremStack, "HybridOnPrem", config=config, compute_network=compute_network
    )
    stacks.add(
        HybridComputeStack,
        "HybridCompute",
        config=config,
        compute_network=compute_network,
        onprem=onprem,
    )
    lf_producer = stacks.add(LakeFormationProducerStack, "LakeFormationProducer", config=config)
    stacks.add(
        LakeFormationConsumerStack,
        "LakeFormationConsumer",
        config=config,
        platform_stack=platform,
        producer_stack=lf_producer,
    )
    stacks.add(
        SparkHistoryStack, "SparkHistory", config=config, network=network, platform_stack=platform
    )
    hms = {"config": config, "network": network, "platform_stack": platform}
    stacks.add(HiveMetastoreStack, "HiveMetastore", **hms)
    stacks.add(ExternalMetastoreStack, "HiveMetastoreExternal", **hms)
    return stacks


def _pascal(prefix: str) -> str:
    """PascalCase form of the name prefix: ``emr-burst`` gives ``EmrBurst``."""
    return "".join(part.capitalize() for part in prefix.split("-"))
