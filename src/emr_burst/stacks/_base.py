"""What every reference stack shares: where it is placed (account, region, AZ names)."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk

from emr_burst.config import AppConfig
from emr_burst.core.stack import BurstStack

__all__ = ["BurstStack", "compute_placement", "placement"]


def placement(config: AppConfig, *, account: str | None, region: str | None) -> dict[str, Any]:
    """``BurstStack`` keyword arguments that put a stack in ``account`` and ``region``, with the
    AZ names configured for that region (or deploy-time AZs when none are)."""
    return {
        "env": cdk.Environment(account=account, region=region),
        "availability_zone_names": config.zones_for(region),
    }


def compute_placement(config: AppConfig) -> dict[str, Any]:
    """:func:`placement` on the compute side (``computeAccount`` / ``computeRegion``), where the
    network, the EMR on EKS platform and every capability stack on it live."""
    side = config.compute
    return placement(config, account=side.account, region=side.region)
