"""Typed configuration of the reference app, read once from CDK context (``cdk.json`` or ``-c``).

Only ``app.py`` and the stacks read this; constructs receive plain values. Every key lives under the
``emr-burst:`` prefix so ``cdk synth -c emr-burst:computeRegion=us-east-1`` overrides one value.
Values given with ``-c`` arrive as strings, so numbers, booleans, lists and maps are also accepted
in their string (JSON or comma-separated) form.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from aws_cdk import aws_logs as logs

PREFIX = "emr-burst:"

#: Commercial, GovCloud and China regions as of November 2026. A region missing here is a typo far
#: more often than a brand-new region; a new one is one line to add.
KNOWN_REGIONS = frozenset(
    {
        "af-south-1",
        "ap-east-1",
        "ap-east-2",
        "ap-northeast-1",
        "ap-northeast-2",
        "ap-northeast-3",
        "ap-south-1",
        "ap-south-2",
        "ap-southeast-1",
        "ap-southeast-2",
        "ap-southeast-3",
        "ap-southeast-4",
        "ap-southeast-5",
        "ap-southeast-6",
        "ap-southeast-7",
        "ca-central-1",
        "ca-west-1",
        "cn-north-1",
        "cn-northwest-1",
        "eu-central-1",
        "eu-central-2",
        "eu-north-1",
        "eu-south-1",
        "eu-south-2",
        "eu-west-1",
        "eu-west-2",
        "eu-west-3",
        "il-central-1",
        "me-central-1",
        "me-south-1",
        "mx-central-1",
        "sa-east-1",
        "us-east-1",
        "us-east-2",
        "us-gov-east-1",
        "us-gov-west-1",
        "us-west-1",
        "us-west-2",
    }
)

#: Interface endpoints the shared network can create, by the name used in configuration.
INTERFACE_ENDPOINT_NAMES = ("ecr", "ecr-docker", "sts", "logs", "eks", "eks-auth")

SIDES = ("onprem", "compute", "producer", "consumer")

_ACCOUNT_RE = re.compile(r"^\d{12}$")
_PREFIX_RE = re.compile(r"^[a-z][a-z0-9-]{1,18}[a-z0-9]$")
_AZ_RE = re.compile(r"^(?P<region>[a-z]{2}(-gov)?-[a-z]+-\d)[a-z]$")
_TRUE = {"true", "1", "yes"}
_FALSE = {"false", "0", "no"}


class ConfigError(ValueError):
    """Raised when the CDK context holds values the reference app cannot use."""


@dataclass(frozen=True)
class Side:
    """Where one side of the platform is deployed; ``None`` leaves that part env-agnostic."""

    account: str | None = None
    region: str | None = None


@dataclass(frozen=True)
class NetworkConfig:
    """The shared VPC of the compute side."""

    cidr: str = "10.0.0.0/16"
    max_azs: int = 2
    nat_gateways: int = 1
    interface_endpoints: tuple[str, ...] = ("ecr", "ecr-docker", "sts", "logs", "eks")
    flow_log_retention_days: int = 365


#: Kubernetes minors the EMR on EKS platform accepts (kept in step with ``eks_platform``).
EKS_KUBERNETES_VERSIONS = ("1.32", "1.33", "1.34")
EKS_COMPUTE_MODES = ("auto", "fixed")
_TEAM_RE = re.compile(r"^[a-z0-9]([-a-z0-9]{0,30}[a-z0-9])?$")
_ROLE_ARN_RE = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]{1,512}$")
_EMR_RELEASE_RE = re.compile(r"^emr-7\.\d+\.\d+-(latest|\d{8})$")


@dataclass(frozen=True)
class EksPlatformConfig:
    """The EMR on EKS platform of the compute side and its Spark teams."""

    kubernetes_version: str = "1.33"
    compute_mode: str = "auto"
    teams: tuple[str, ...] = ("analytics", "marketing", "datascience")
    admin_role_arn: str | None = None
    public_endpoint_cidrs: tuple[str, ...] = ()
    release_label: str = "emr-7.9.0-latest"


#: EMR release labels look like ``emr-6.15.0``.
_RELEASE_LABEL_RE = re.compile(r"^emr-\d+\.\d+\.\d+$")
_S3_URI_RE = re.compile(r"^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/\S+$")
HYBRID_ENGINES = ("presto", "trino")
#: EMR's ``AutoTerminationPolicy.IdleTimeout`` bounds, in seconds.
IDLE_TIMEOUT_RANGE = (60, 604_800)


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
    alluxio_bootstrap_script: str = "s3://alluxio-public/emr/2.0.1/alluxio-emr.sh"
    tls_certificates: str | None = None
    idle_timeout_seconds: int = 3600


@dataclass(frozen=True)
class AppConfig:
    """Everything the reference stacks need, validated."""

    prefix: str = "emr-burst"
    onprem: Side = Side()
    compute: Side = Side()
    producer: Side = Side()
    consumer: Side = Side()
    network: NetworkConfig = NetworkConfig()
    hybrid: HybridConfig = HybridConfig()
    availability_zones: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    remove_data_on_destroy: bool = False
    eks: EksPlatformConfig = EksPlatformConfig()

    @classmethod
    def from_context(cls, get: Callable[[str], Any]) -> AppConfig:
        """Build the configuration from a context getter such as ``app.node.try_get_context``.

        All problems are collected and raised together as one :class:`ConfigError`.
        """
        reader = _Reader(get)
        defaults = cls()
        net_defaults = NetworkConfig()
        sides = {
            name: Side(
                account=reader.account(f"{name}Account"),
                region=reader.region(f"{name}Region"),
            )
            for name in SIDES
        }
        max_azs = reader.integer("maxAzs", net_defaults.max_azs, low=2, high=6)
        nat = reader.integer("natGateways", net_defaults.nat_gateways, low=1, high=6)
        if max_azs is not None and nat is not None and nat > max_azs:
            reader.fail(
                "natGateways",
                nat,
                f"at most one NAT gateway per AZ: use a value from 1 to maxAzs ({max_azs})",
            )
        network = NetworkConfig(
            cidr=reader.cidr("computeCidr", net_defaults.cidr),
            max_azs=max_azs or net_defaults.max_azs,
            nat_gateways=nat or net_defaults.nat_gateways,
            interface_endpoints=reader.choices(
                "interfaceEndpoints", net_defaults.interface_endpoints, INTERFACE_ENDPOINT_NAMES
            ),
            flow_log_retention_days=reader.retention_days(
                "flowLogRetentionDays", net_defaults.flow_log_retention_days
            ),
        )
        config = cls(
            prefix=reader.prefix("prefix", defaults.prefix),
            network=network,
            availability_zones=reader.availability_zones("availabilityZones"),
            remove_data_on_destroy=reader.boolean("removeDataOnDestroy", False),
            eks=_eks_config(reader),
            hybrid=_read_hybrid(reader, sides, network),
            **sides,
        )
        reader.raise_if_failed()
        return config

    def side(self, name: str) -> Side:
        if name not in SIDES:
            raise KeyError(f"unknown side {name!r}; expected one of {', '.join(SIDES)}")
        side: Side = getattr(self, name)
        return side

    def zones_for(self, region: str | None) -> tuple[str, ...] | None:
        """Explicit AZ names for a region, or ``None`` to select AZs at deploy time."""
        if region is None:
            return None
        return self.availability_zones.get(region)


def _eks_config(reader: _Reader) -> EksPlatformConfig:
    """The ``eks*`` keys: Kubernetes version, compute mode, teams, admin role, public CIDRs."""
    defaults = EksPlatformConfig()
    version = str(reader.raw("eksKubernetesVersion") or defaults.kubernetes_version)
    if version not in EKS_KUBERNETES_VERSIONS:
        reader.fail(
            "eksKubernetesVersion", version, f"use one of {', '.join(EKS_KUBERNETES_VERSIONS)}"
        )
        version = defaults.kubernetes_version
    mode = str(reader.raw("eksComputeMode") or defaults.compute_mode)
    if mode not in EKS_COMPUTE_MODES:
        reader.fail(
            "eksComputeMode",
            mode,
            "use 'auto' (EKS Auto Mode node pools) or 'fixed' (managed node group)",
        )
        mode = defaults.compute_mode
    teams = defaults.teams
    raw_teams = reader.raw("eksTeams")
    if raw_teams is not None:
        items = reader._list("eksTeams", raw_teams)
        if items is not None:
            bad = [t for t in items if not isinstance(t, str) or not _TEAM_RE.match(t)]
            if not items or bad:
                reader.fail(
                    "eksTeams",
                    raw_teams,
                    "list team names of 1-32 lowercase letters, digits or '-' (each becomes a "
                    "namespace)",
                )
            elif len(set(items)) != len(items):
                reader.fail("eksTeams", raw_teams, "each team may appear once")
            else:
                teams = tuple(items)
    admin = reader.raw("eksAdminRoleArn")
    if admin in (None, ""):
        admin = None
    elif not _ROLE_ARN_RE.match(str(admin)):
        reader.fail("eksAdminRoleArn", admin, "use an IAM role ARN or leave it null")
        admin = None
    cidrs: tuple[str, ...] = ()
    raw_cidrs = reader.raw("eksPublicEndpointCidrs")
    if raw_cidrs not in (None, ""):
        items = reader._list("eksPublicEndpointCidrs", raw_cidrs) or []
        good = []
        for item in items:
            try:
                network = ipaddress.IPv4Network(str(item), strict=True)
            except ValueError:
                reader.fail(
                    "eksPublicEndpointCidrs", item, "use IPv4 CIDRs such as '203.0.113.0/24'"
                )
                continue
            if network.prefixlen == 0:
                reader.fail(
                    "eksPublicEndpointCidrs",
                    item,
                    "a public endpoint needs an explicit allow-list, not the whole internet",
                )
                continue
            good.append(str(network))
        cidrs = tuple(good)
    label = str(reader.raw("emrEksReleaseLabel") or defaults.release_label)
    if not _EMR_RELEASE_RE.match(label):
        reader.fail(
            "emrEksReleaseLabel", label, "pin an EMR 7.x release label such as 'emr-7.9.0-latest'"
        )
        label = defaults.release_label
    return EksPlatformConfig(
        kubernetes_version=version,
        compute_mode=mode,
        teams=teams,
        admin_role_arn=admin,
        public_endpoint_cidrs=cidrs,
        release_label=label,
    )


def _read_hybrid(
    reader: _Reader, sides: Mapping[str, Side], network: NetworkConfig
) -> HybridConfig:
    """The hybrid burst settings; the compute VPC takes the shared ``computeCidr``."""
    defaults = HybridConfig()
    onprem_region = sides["onprem"].region or defaults.onprem_region
    compute_region = sides["compute"].region or defaults.compute_region
    if onprem_region == compute_region:
        reader.fail(
            "onpremRegion",
            onprem_region,
            f"the hybrid burst peers two regions: choose an on-prem region other than the compute "
            f"region {compute_region}",
        )
    onprem, compute = sides["onprem"], sides["compute"]
    if onprem.account and compute.account and onprem.account != compute.account:
        reader.fail(
            "onpremAccount",
            onprem.account,
            f"the hybrid stacks pass the peering id with CDK cross-region references, which work "
            f"within one account: use the compute account {compute.account} or leave it null",
        )
    onprem_cidr = reader.cidr("onpremCidr", defaults.onprem_cidr)
    if ipaddress.IPv4Network(onprem_cidr).overlaps(ipaddress.IPv4Network(network.cidr)):
        reader.fail(
            "onpremCidr",
            onprem_cidr,
            f"overlaps the compute CIDR {network.cidr}; peered VPCs need disjoint ranges, "
            "e.g. '10.100.0.0/16'",
        )
    engine = reader.raw("hybridEngine")
    if engine is None:
        engine = defaults.engine
    elif engine not in HYBRID_ENGINES:
        reader.fail("hybridEngine", engine, f"choose one of {', '.join(HYBRID_ENGINES)}")
        engine = defaults.engine
    low, high = IDLE_TIMEOUT_RANGE
    return HybridConfig(
        onprem_region=onprem_region,
        compute_region=compute_region,
        onprem_cidr=onprem_cidr,
        compute_cidr=network.cidr,
        web_ui_cidr=reader.optional_cidr("webUiCidr"),
        onprem_release_label=reader.release_label(
            "onpremReleaseLabel", defaults.onprem_release_label
        ),
        compute_release_label=reader.release_label(
            "computeReleaseLabel", defaults.compute_release_label
        ),
        engine=str(engine),
        alluxio_bootstrap_script=reader.s3_uri(
            "alluxioBootstrapScript", defaults.alluxio_bootstrap_script
        )
        or defaults.alluxio_bootstrap_script,
        tls_certificates=reader.s3_uri("tlsCertificates", None),
        idle_timeout_seconds=reader.integer(
            "idleTimeoutSeconds", defaults.idle_timeout_seconds, low=low, high=high
        )
        or defaults.idle_timeout_seconds,
    )


#: CloudWatch Logs accepts only these retention periods (days), named as in ``logs.RetentionDays``.
_RETENTION = {
    1: logs.RetentionDays.ONE_DAY,
    3: logs.RetentionDays.THREE_DAYS,
    5: logs.RetentionDays.FIVE_DAYS,
    7: logs.RetentionDays.ONE_WEEK,
    14: logs.RetentionDays.TWO_WEEKS,
    30: logs.RetentionDays.ONE_MONTH,
    60: logs.RetentionDays.TWO_MONTHS,
    90: logs.RetentionDays.THREE_MONTHS,
    120: logs.RetentionDays.FOUR_MONTHS,
    150: logs.RetentionDays.FIVE_MONTHS,
    180: logs.RetentionDays.SIX_MONTHS,
    365: logs.RetentionDays.ONE_YEAR,
    400: logs.RetentionDays.THIRTEEN_MONTHS,
    545: logs.RetentionDays.EIGHTEEN_MONTHS,
    731: logs.RetentionDays.TWO_YEARS,
    1096: logs.RetentionDays.THREE_YEARS,
    1827: logs.RetentionDays.FIVE_YEARS,
    2192: logs.RetentionDays.SIX_YEARS,
    2557: logs.RetentionDays.SEVEN_YEARS,
    2922: logs.RetentionDays.EIGHT_YEARS,
    3288: logs.RetentionDays.NINE_YEARS,
    3653: logs.RetentionDays.TEN_YEARS,
}
LOG_RETENTION_DAYS = tuple(_RETENTION)


def log_retention(days: int) -> logs.RetentionDays:
    """The ``RetentionDays`` member for a validated number of days."""
    return _RETENTION[days]


class _Reader:
    """Reads and checks context values, remembering every problem for one combined error."""

    def __init__(self, get: Callable[[str], Any]) -> None:
        self._get = get
        self._problems: list[str] = []

    def fail(self, key: str, value: Any, fix: str) -> None:
        self._problems.append(f"context key '{PREFIX}{key}' = {value!r}: {fix}")

    def raise_if_failed(self) -> None:
        if self._problems:
            raise ConfigError(
                "invalid emr-burst configuration (cdk.json context or -c):\n  - "
                + "\n  - ".join(self._problems)
            )

    def raw(self, key: str) -> Any:
        return self._get(PREFIX + key)

    def account(self, key: str) -> str | None:
        value = self.raw(key)
        if value in (None, ""):
            return None
        text = str(value)
        if not _ACCOUNT_RE.match(text):
            self.fail(key, value, "an AWS account id is exactly 12 digits, e.g. '123456789012'")
            return None
        return text

    def region(self, key: str) -> str | None:
        value = self.raw(key)
        if value in (None, ""):
            return None
        if value not in KNOWN_REGIONS:
            self.fail(key, value, "use an AWS region code such as 'us-east-1' or leave it null")
            return None
        return str(value)

    def prefix(self, key: str, default: str) -> str:
        value = self.raw(key)
        if value is None:
            return default
        if not isinstance(value, str) or not _PREFIX_RE.match(value):
            self.fail(
                key,
                value,
                "use 3-20 lowercase letters, digits or '-', starting with a letter "
                "(it prefixes stack and resource names)",
            )
            return default
        return value

    def integer(self, key: str, default: int, *, low: int, high: int) -> int | None:
        value = self.raw(key)
        if value is None:
            return default
        try:
            number = int(value)
            if isinstance(value, bool) or (isinstance(value, float) and value != number):
                raise ValueError
        except (TypeError, ValueError):
            self.fail(key, value, f"use a whole number from {low} to {high}")
            return None
        if not low <= number <= high:
            self.fail(key, value, f"use a whole number from {low} to {high}")
            return None
        return number

    def boolean(self, key: str, default: bool) -> bool:
        value = self.raw(key)
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        if str(value).lower() in _TRUE:
            return True
        if str(value).lower() in _FALSE:
            return False
        self.fail(key, value, "use true or false")
        return default

    def cidr(self, key: str, default: str) -> str:
        value = self.raw(key)
        if value is None:
            return default
        try:
            network = ipaddress.IPv4Network(str(value), strict=True)
        except ValueError as err:
            self.fail(key, value, f"use an IPv4 network in CIDR form such as '10.0.0.0/16' ({err})")
            return default
        if not 16 <= network.prefixlen <= 22:
            self.fail(
                key,
                value,
                "the VPC CIDR prefix must be /16 to /22 so every AZ gets public, private and "
                "isolated subnets",
            )
            return default
        if not network.is_private:
            self.fail(key, value, "use a private (RFC 1918) range for the VPC")
            return default
        return str(network)

    def optional_cidr(self, key: str) -> str | None:
        """Any IPv4 network (e.g. one operator's ``/32``), or ``None`` when unset."""
        value = self.raw(key)
        if value in (None, ""):
            return None
        try:
            network = ipaddress.IPv4Network(str(value), strict=True)
        except ValueError as err:
            self.fail(
                key, value, f"use an IPv4 network in CIDR form such as '203.0.113.7/32' ({err})"
            )
            return None
        if network.prefixlen == 0:
            self.fail(key, value, "0.0.0.0/0 would open the web UIs to everyone; use one network")
            return None
        return str(network)

    def release_label(self, key: str, default: str) -> str:
        value = self.raw(key)
        if value is None:
            return default
        if not isinstance(value, str) or not _RELEASE_LABEL_RE.match(value):
            self.fail(key, value, "use an EMR release label such as 'emr-6.15.0'")
            return default
        return value

    def s3_uri(self, key: str, default: str | None) -> str | None:
        value = self.raw(key)
        if value in (None, ""):
            return default
        if not isinstance(value, str) or not _S3_URI_RE.match(value):
            self.fail(key, value, "use an S3 object URI such as 's3://my-bucket/path/file'")
            return default
        return value

    def _list(self, key: str, value: Any) -> list[Any] | None:
        if isinstance(value, (list, tuple)):
            return list(value)
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                try:
                    parsed = json.loads(text)
                except json.JSONDecodeError:
                    parsed = None
                if isinstance(parsed, list):
                    return parsed
                self.fail(key, value, "use a JSON list or a comma-separated string")
                return None
            return [part.strip() for part in text.split(",") if part.strip()]
        self.fail(key, value, "use a list")
        return None

    def choices(
        self, key: str, default: tuple[str, ...], allowed: tuple[str, ...]
    ) -> tuple[str, ...]:
        value = self.raw(key)
        if value is None:
            return default
        items = self._list(key, value)
        if items is None:
            return default
        unknown = [item for item in items if item not in allowed]
        if unknown:
            self.fail(key, value, f"unknown {unknown}; choose from {', '.join(allowed)}")
            return default
        if len(set(items)) != len(items):
            self.fail(key, value, "each entry may appear once")
            return default
        return tuple(items)

    def retention_days(self, key: str, default: int) -> int:
        value = self.integer(key, default, low=1, high=3653)
        if value is None:
            return default
        if value not in LOG_RETENTION_DAYS:
            self.fail(
                key,
                value,
                "CloudWatch Logs accepts only "
                + ", ".join(str(d) for d in LOG_RETENTION_DAYS)
                + " days",
            )
            return default
        return value

    def availability_zones(self, key: str) -> dict[str, tuple[str, ...]]:
        value = self.raw(key)
        if value in (None, ""):
            return {}
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except json.JSONDecodeError:
                self.fail(
                    key, value, 'use a JSON map such as {"us-west-1": ["us-west-1b", "us-west-1c"]}'
                )
                return {}
        if not isinstance(value, dict):
            self.fail(key, value, 'use a map such as {"us-west-1": ["us-west-1b", "us-west-1c"]}')
            return {}
        zones: dict[str, tuple[str, ...]] = {}
        for region, names in value.items():
            if region not in KNOWN_REGIONS:
                self.fail(f"{key}.{region}", names, "the key must be an AWS region code")
                continue
            if not isinstance(names, list) or len(names) < 2:
                self.fail(f"{key}.{region}", names, "list at least two AZ names of that region")
                continue
            bad = [n for n in names if not (m := _AZ_RE.match(str(n))) or m["region"] != region]
            if bad or len(set(names)) != len(names):
                self.fail(
                    f"{key}.{region}",
                    names,
                    f"each entry must be a distinct AZ of {region}, e.g. '{region}a'",
                )
                continue
            zones[region] = tuple(names)
        return zones
