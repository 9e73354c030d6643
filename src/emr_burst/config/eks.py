"""The EMR on EKS platform's keys: Kubernetes version, compute mode, teams, access, release label.

Versions come from :mod:`emr_burst.core.versions`; each value is judged by the rule the construct
it feeds applies (``EmrEksPlatform``, ``SparkTeam``).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from emr_burst.config.reader import ContextReader
from emr_burst.core import rules, versions

#: Kubernetes minors the EMR on EKS platform accepts.
EKS_KUBERNETES_VERSIONS = versions.KUBERNETES_VERSIONS

#: A team name becomes a namespace and part of its job role's name
#: (``<Prefix>EmrEks-<team>-job``), which IAM caps at 64 characters.
TEAM_NAME_MAX = 32


class EksComputeMode(enum.Enum):
    """How the platform's nodes are provided."""

    AUTO = "auto"  # EKS Auto Mode node pools
    FIXED = "fixed"  # a managed node group


EKS_COMPUTE_MODES = tuple(mode.value for mode in EksComputeMode)

KEYS = (
    "eksKubernetesVersion",
    "eksComputeMode",
    "eksTeams",
    "eksAdminRoleArn",
    "eksPublicEndpointCidrs",
    "emrEksReleaseLabel",
)


@dataclass(frozen=True)
class EksPlatformConfig:
    """The EMR on EKS platform of the compute side and its Spark teams."""

    kubernetes_version: str = versions.DEFAULT_KUBERNETES_VERSION
    compute_mode: str = EksComputeMode.AUTO.value
    teams: tuple[str, ...] = ("analytics", "marketing", "datascience")
    admin_role_arn: str | None = None
    public_endpoint_cidrs: tuple[str, ...] = ()
    release_label: str = versions.DEFAULT_EMR_EKS_RELEASE


def team_name(value: object) -> str | None:
    """A team: a namespace of its own, short enough for its job role's name."""
    if (fix := rules.namespace(value)) is not None:
        return fix
    if len(str(value)) > TEAM_NAME_MAX:
        return f"use at most {TEAM_NAME_MAX} characters: the team's job role name embeds it"
    return None


def read_eks(reader: ContextReader) -> EksPlatformConfig:
    defaults = EksPlatformConfig()
    return EksPlatformConfig(
        kubernetes_version=reader.read(
            "eksKubernetesVersion", defaults.kubernetes_version, rules.kubernetes_version
        ),
        compute_mode=reader.read_choice("eksComputeMode", EksComputeMode.AUTO).value,
        teams=reader.read_list(
            "eksTeams", defaults.teams, team_name, example="'analytics'", allow_empty=False
        ),
        admin_role_arn=reader.read(
            "eksAdminRoleArn", defaults.admin_role_arn, rules.role_arn, optional=True
        ),
        public_endpoint_cidrs=reader.read_list(
            "eksPublicEndpointCidrs",
            defaults.public_endpoint_cidrs,
            rules.allow_list_cidr,
            example="'203.0.113.0/24'",
        ),
        release_label=reader.read(
            "emrEksReleaseLabel", defaults.release_label, rules.emr_eks_release
        ),
    )
