"""The hybrid burst's keys: the on-prem stand-in and the burst compute side, peered across regions.

Each value is judged by the rule of the construct it feeds (``Network``, ``EmrCluster``,
``HybridPeering``); the cross-checks (two regions, one account, disjoint CIDRs) are the
reference stacks' own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from emr_burst.config.network import NetworkConfig
from emr_burst.config.reader import ContextReader, as_integer
from emr_burst.config.sides import Side
from emr_burst.core import rules, versions
from emr_burst.emr_ec2.cluster_props import IDLE_TIMEOUT_MAX, IDLE_TIMEOUT_MIN
from emr_burst.emr_ec2.releases import supported_release
from emr_burst.hybrid.alluxio import shim_bootstrap_script
from emr_burst.hybrid.catalog import QueryEngine

HYBRID_ENGINES = tuple(engine.value.lower() for engine in QueryEngine)
#: EMR's ``AutoTerminationPolicy.IdleTimeout`` bounds, in seconds.
IDLE_TIMEOUT_RANGE = (int(IDLE_TIMEOUT_MIN.to_seconds()), int(IDLE_TIMEOUT_MAX.to_seconds()))
idle_timeout_seconds = rules.integer(*IDLE_TIMEOUT_RANGE, unit="seconds")

KEYS = (
    "onpremCidr",
    "webUiCidr",
    "onpremReleaseLabel",
    "computeReleaseLabel",
    "hybridEngine",
    "alluxioBootstrapScript",
    "tlsCertificates",
    "idleTimeoutSeconds",
)


@dataclass(frozen=True)
class HybridConfig:
    """The hybrid burst: an on-prem stand-in VPC and cluster, peered with a burst compute side.

    The regions are those of the ``onprem`` and ``compute`` sides, defaulting to the tutorial's
    us-west-1 and us-east-1 because cross-region peering needs concrete regions.
    """

    onprem_region: str = "us-west-1"
    compute_region: str = "us-east-1"
    onprem_cidr: str = "10.100.0.0/16"
    compute_cidr: str = "10.0.0.0/16"
    web_ui_cidr: str | None = None
    onprem_release_label: str = "emr-5.36.0"
    compute_release_label: str = "emr-6.15.0"
    engine: str = "presto"
    alluxio_bootstrap_script: str = versions.ALLUXIO_BOOTSTRAP_SCRIPT
    tls_certificates: str | None = None
    idle_timeout_seconds: int = 3600


def read_hybrid(
    reader: ContextReader, sides: Mapping[str, Side], network: NetworkConfig
) -> HybridConfig:
    """The hybrid burst settings; the compute VPC takes the shared ``computeCidr``."""
    defaults = HybridConfig()
    onprem, compute = sides["onprem"], sides["compute"]
    onprem_region = onprem.region or defaults.onprem_region
    compute_region = compute.region or defaults.compute_region
    if onprem_region == compute_region and reader.ok("onpremRegion", "computeRegion"):
        reader.fail(
            "onpremRegion",
            onprem_region,
            f"the hybrid burst peers two regions: choose an on-prem region other than the compute "
            f"region {compute_region}",
        )
    if onprem.account and compute.account and onprem.account != compute.account:
        reader.fail(
            "onpremAccount",
            onprem.account,
            f"the hybrid stacks pass the peering id with CDK cross-region references, which work "
            f"within one account: use the compute account {compute.account}",
        )
    elif bool(onprem.account) != bool(compute.account) and reader.ok(
        "onpremAccount", "computeAccount"
    ):
        unset, given = (
            ("onpremAccount", compute.account)
            if compute.account
            else (
                "computeAccount",
                onprem.account,
            )
        )
        reader.fail(
            unset,
            None,
            f"the hybrid stacks read each other's outputs within one account: set it to {given} "
            "as well (with one side's account left to the deploy, synth stops at the policy "
            "validation of the cross-stack references)",
        )
    onprem_cidr = reader.read("onpremCidr", defaults.onprem_cidr, rules.vpc_cidr)
    if reader.ok("onpremCidr", "computeCidr") and not rules.disjoint_cidrs(
        onprem_cidr, network.cidr
    ):
        reader.fail(
            "onpremCidr",
            onprem_cidr,
            f"overlaps the compute CIDR {network.cidr}; peered VPCs need disjoint ranges, "
            "e.g. '10.100.0.0/16'",
        )
    return HybridConfig(
        onprem_region=onprem_region,
        compute_region=compute_region,
        onprem_cidr=onprem_cidr,
        compute_cidr=network.cidr,
        web_ui_cidr=reader.read("webUiCidr", None, rules.allow_list_cidr, optional=True),
        onprem_release_label=reader.read(
            "onpremReleaseLabel", defaults.onprem_release_label, supported_release
        ),
        compute_release_label=reader.read(
            "computeReleaseLabel", defaults.compute_release_label, supported_release
        ),
        engine=reader.read_choice("hybridEngine", QueryEngine.PRESTO).value.lower(),
        alluxio_bootstrap_script=reader.read(
            "alluxioBootstrapScript",
            defaults.alluxio_bootstrap_script,
            shim_bootstrap_script,
            optional=True,
        ),
        tls_certificates=reader.read("tlsCertificates", None, rules.s3_object_uri, optional=True),
        idle_timeout_seconds=reader.read(
            "idleTimeoutSeconds",
            defaults.idle_timeout_seconds,
            idle_timeout_seconds,
            parse=as_integer,
        ),
    )
