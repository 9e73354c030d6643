"""Config and constructs give the same verdict: a context key is rejected exactly when the prop it
sets would be, with the same fix.

Keys that feed :class:`Network` are compared with the construct itself. Keys whose constructs live
in other packages (EMR on EKS, EMR on EC2, hybrid) are compared with the rule function the
construct is meant to apply; see the report for where construct-level parity is still to come.
Values are given in their typed form: the ``-c`` string forms are tested in ``test_reader``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import aws_cdk as cdk
import pytest

from emr_burst.config import PREFIX, AppConfig, ConfigError, EksComputeMode, log_retention
from emr_burst.config.eks import team_name
from emr_burst.config.hybrid import idle_timeout_seconds
from emr_burst.core import rules
from emr_burst.core.errors import EmrBurstError, Problem
from emr_burst.core.stack import BurstStack
from emr_burst.emr_ec2.releases import supported_release
from emr_burst.hybrid import QueryEngine
from emr_burst.hybrid.alluxio import shim_bootstrap_script
from emr_burst.network import InterfaceEndpoint, Network


def _config_fixes(key: str, value: Any, **others: Any) -> list[str]:
    """The fixes config gives for ``key`` (and its items), ``[]`` when it accepts the value."""
    context = {PREFIX + key: value} | {PREFIX + k: v for k, v in others.items()}
    try:
        AppConfig.from_context(context)
    except ConfigError as err:
        return _fixes(err.problems, PREFIX + key)
    return []


def _network_fixes(prop: str, value: Any, **others: Any) -> list[str]:
    """The fixes ``Network`` gives for ``prop`` (and its items), ``[]`` when it accepts it."""
    try:
        Network(BurstStack(cdk.App(), "Parity"), "Network", **{prop: value}, **others)
    except EmrBurstError as err:
        return _fixes(err.problems, prop)
    return []


def _fixes(problems: Sequence[Problem], name: str) -> list[str]:
    return [p.fix for p in problems if p.prop == name or p.prop.startswith(f"{name}[")]


# --- config key <-> Network prop ----------------------------------------------------------------

CIDRS = [
    "10.0.0.0/16",
    "172.16.0.0/20",
    "192.168.4.0/22",
    "10.0.0.0/8",
    "10.0.0.0/23",
    "10.0.0.1/16",
    "10.0.0.0/33",
    "8.8.0.0/16",
    "not a cidr",
    "",
    167772160,
    ["10.0.0.0/16"],
]


@pytest.mark.parametrize("value", CIDRS, ids=repr)
def test_compute_cidr_and_network_cidr_agree(value: Any) -> None:
    assert _config_fixes("computeCidr", value) == _network_fixes("cidr", value)


@pytest.mark.parametrize(
    "value", ["10.100.0.0/16", "172.31.0.0/18", "10.100.0.0/24", "100.64.0.0/16"], ids=repr
)
def test_onprem_cidr_and_network_cidr_agree(value: Any) -> None:
    # onpremCidr feeds the on-prem side's Network; these values do not overlap the compute CIDR.
    assert _config_fixes("onpremCidr", value) == _network_fixes("cidr", value)


@pytest.mark.parametrize("value", [2, 3, 4, 1, 5, 6, 0, -2, 2.0, 3.5, True, False], ids=repr)
def test_max_azs_agree(value: Any) -> None:
    fixes = _config_fixes("maxAzs", value, natGateways=1)
    assert fixes == _network_fixes("max_azs", value, nat_gateways=1)
    assert bool(fixes) == (value not in (2, 3, 4) or isinstance(value, (bool, float)))


def test_five_azs_the_old_config_allowed_is_rejected_by_both_with_the_fix() -> None:
    (fix,) = _config_fixes("maxAzs", 5)
    assert fix == rules.az_count(5)
    assert _network_fixes("max_azs", 5) == [fix]


@pytest.mark.parametrize(
    ("max_azs", "nat"),
    [
        (2, 1),
        (2, 2),
        (3, 3),
        (4, 4),
        (2, 3),
        (3, 0),
        (4, 5),
        (2, -1),
        (2, 1.0),
        (2, True),
        (2, [1]),
        (6, 4),  # bad max_azs: NAT judged against the widest VPC (4 AZs)
        (6, 5),
        (1, 2),
    ],
    ids=repr,
)
def test_nat_gateways_agree(max_azs: Any, nat: Any) -> None:
    assert _config_fixes("natGateways", nat, maxAzs=max_azs) == _network_fixes(
        "nat_gateways", nat, max_azs=max_azs
    )


ENDPOINT_LISTS: list[Any] = [
    [],
    ["sts"],
    ["ecr", "ecr-docker", "sts", "logs", "eks", "eks-auth"],
    ["STS", "ECR_DOCKER"],
    [" eks "],
    ("sts", "logs"),
    [InterfaceEndpoint.STS, "logs"],
    [InterfaceEndpoint.STS, "sts"],
    ["s3"],
    ["sts", "ecr-dockr"],
    ["sts", "sts"],
    ["sts", "STS"],
    [3],
    [None],
    5,
    {"sts": True},
]


@pytest.mark.parametrize("value", ENDPOINT_LISTS, ids=repr)
def test_interface_endpoints_agree(value: Any) -> None:
    assert _config_fixes("interfaceEndpoints", value) == _network_fixes(
        "interface_endpoints", value
    )


def test_an_unknown_endpoint_lists_the_choices_in_both() -> None:
    (fix,) = _config_fixes("interfaceEndpoints", ["sts", "ecr-dockr"])
    assert fix.startswith("choose one of 'ecr', 'ecr-docker', 'sts', 'logs', 'eks', 'eks-auth'")
    assert "did you mean 'ecr-docker'?" in fix
    assert _network_fixes("interface_endpoints", ["ecr-dockr"]) == [fix]


@pytest.mark.parametrize("days", [1, 7, 365, 3653, 0, 2, 366, 4000, True, 30.0], ids=repr)
def test_flow_log_retention_days_that_config_accepts_are_what_network_accepts(days: Any) -> None:
    fixes = _config_fixes("flowLogRetentionDays", days)
    assert fixes == ([] if rules.log_retention_days(days) is None else [fixes[0]])
    if not fixes:
        assert _network_fixes("flow_log_retention", log_retention(days)) == []


# --- config key <-> the rule of a construct in another package ----------------------------------

RULE_PARITY: list[tuple[str, Any, list[Any]]] = [
    # EmrEksPlatform.kubernetes_version
    ("eksKubernetesVersion", rules.kubernetes_version, ["1.33", "1.34", "1.35", "1.36", "1.37",
                                                        "v1.35", "", 1.35]),
    # SparkTeam.release_label
    ("emrEksReleaseLabel", rules.emr_eks_release, ["emr-7.9.0-latest", "emr-7.3.0-20250101",
                                                   "emr-6.15.0-latest", "emr-7.9.0", "7.9.0",
                                                   "emr-7.9.0-latest ", "", 7]),
    # EmrCluster.release_label (on-prem stand-in and burst compute clusters)
    ("onpremReleaseLabel", supported_release, ["emr-4.9.0", "emr-5.36.0", "emr-6.15.0", "emr-7.0.0",
                                               "emr-6.15", "6.15.0", "emr-6.15.0-latest", "", 6]),
    ("computeReleaseLabel", supported_release, ["emr-6.15.0", "emr-7.5.0", "EMR-6.15.0",
                                                "emr-6.x", ""]),
    # EmrCluster / HybridPeerAccess web UI allow-list
    ("webUiCidr", rules.allow_list_cidr, ["203.0.113.7/32", "198.51.100.0/24", "10.0.0.0/8",
                                          "0.0.0.0/0", "0.0.0.0/1", "8.0.0.0/8", "1.2.3.4",
                                          "1.2.3.4/33", 5]),
    # EmrCluster bootstrap action (Alluxio) and EmrSecurityConfiguration TLS certificates
    ("alluxioBootstrapScript", shim_bootstrap_script, ["s3://alluxio-public/emr/2.0.1/a.sh",
                                                       "s3://alluxio-public/emr/2.3.0/a.sh",
                                                     "s3://b/k", "s3://bucket/", "s3://bucket",
                                                     "https://example.com/a.sh",
                                                     "s3://Bucket/key", "s3://a..b/key", 3]),
    ("tlsCertificates", rules.s3_object_uri, ["s3://certs/my-certs.zip", "s3://certs/",
                                              "certs.zip"]),
    # HybridPeering / stacks placement
    ("consumerAccount", rules.account, ["123456789012", "12345678901", "1234567890123",
                                        "12345678901a", 123456789012]),
    ("producerRegion", rules.region, ["us-east-1", "eu-west-3", "cn-north-1", "us-est-1",
                                      "US-EAST-1", "mars-1", 1]),
    # EmrEksPlatform access
    ("eksAdminRoleArn", rules.role_arn, ["arn:aws:iam::123456789012:role/admin",
                                         "arn:aws-cn:iam::123456789012:role/path/admin",
                                         "arn:aws:iam::123456789012:user/admin", "admin", 3]),
    # EmrCluster.idle_timeout, in seconds
    ("idleTimeoutSeconds", idle_timeout_seconds, [60, 3600, 604800, 59, 604801, 0, 60.0,
                                                  True]),
    # EmrCluster engine and the platform's compute choice
    ("hybridEngine", rules.one_of(QueryEngine), ["presto", "trino", "Presto", "TRINO",
                                                 "spark", "prest", 1]),
    ("eksComputeMode", rules.one_of(EksComputeMode), ["auto", "fixed", "AUTO", "karpenter",
                                                      "", True]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("key", "rule", "value"),
    [(key, rule, value) for key, rule, values in RULE_PARITY for value in values],
    ids=lambda v: v if isinstance(v, str) and v[:1].islower() else repr(v)[:30],
)
def test_config_gives_the_verdict_of_the_construct_rule(key: str, rule: Any, value: Any) -> None:
    fix = rule(value)
    others = {"onpremRegion": "us-west-2"} if key == "producerRegion" else {}
    assert _config_fixes(key, value, **others) == ([] if fix is None else [fix])


LIST_PARITY: list[tuple[str, Any, list[Any]]] = [
    # EmrEksPlatform.public_endpoint_cidrs: each entry an allow-list CIDR
    ("eksPublicEndpointCidrs", rules.allow_list_cidr, [["203.0.113.0/24"], [],
                                                       ["203.0.113.0/24", "0.0.0.0/0"],
                                                       ["10.0.0.0/8", "1.2.3.4"], [7]]),
    # SparkTeam.namespace (one team per namespace) and the job role name length
    ("eksTeams", team_name, [["analytics"], ["a-b", "c1"], ["Analytics"], ["default"],
                             ["kube-system"], ["team_x"], ["x" * 33], ["x" * 32]]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("key", "item_rule", "value"),
    [(key, rule, value) for key, rule, values in LIST_PARITY for value in values],
    ids=lambda v: v if isinstance(v, str) else repr(v)[:30],
)
def test_list_keys_give_the_verdict_of_the_construct_rule_per_entry(
    key: str, item_rule: Any, value: list[Any]
) -> None:
    expected = [fix for item in value if (fix := item_rule(item)) is not None]
    assert _config_fixes(key, value) == expected


def test_team_names_are_namespaces() -> None:
    for name in ("default", "kube-public", "Bad_Name"):
        assert team_name(name) == rules.namespace(name)


@pytest.mark.parametrize(
    ("key", "value"),
    [("eksTeams", ["analytics", "analytics"]), ("eksPublicEndpointCidrs", ["1.2.3.0/24"] * 2)],
)
def test_list_keys_take_each_entry_once_like_the_constructs(key: str, value: list[str]) -> None:
    assert _config_fixes(key, value) == [rules.distinct(value)]
