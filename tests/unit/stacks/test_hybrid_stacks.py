"""The hybrid reference stacks as `make synth` builds them, and the hybrid configuration."""

from __future__ import annotations

import json
from typing import Any

import pytest

from emr_burst.config import AppConfig, ConfigError
from tests.harness.reference import BuiltApp, cdk_json_context

ONPREM, COMPUTE, NETWORK = (
    "EmrBurstHybridOnPrem",
    "EmrBurstHybridCompute",
    "EmrBurstHybridComputeNetwork",
)


def _resources(reference: BuiltApp, stack: str, type_: str) -> dict[str, Any]:
    return {k: r for k, r in reference.template(stack)["Resources"].items() if r["Type"] == type_}


def test_hybrid_stacks_are_in_the_tutorial_regions(reference: BuiltApp) -> None:
    regions = {
        name: reference.artifact(name).environment.region for name in (ONPREM, COMPUTE, NETWORK)
    }
    assert regions == {ONPREM: "us-west-1", COMPUTE: "us-east-1", NETWORK: "us-east-1"}


def test_existing_network_stack_stays_environment_agnostic(reference: BuiltApp) -> None:
    assert reference.artifact("EmrBurstNetwork").environment.region == "unknown-region"


def test_peering_and_routes_exist_on_both_sides(reference: BuiltApp) -> None:
    (peering,) = _resources(reference, ONPREM, "AWS::EC2::VPCPeeringConnection").values()
    assert peering["Properties"]["PeerRegion"] == "us-east-1"
    onprem_routes = [
        r
        for r in _resources(reference, ONPREM, "AWS::EC2::Route").values()
        if r["Properties"].get("DestinationCidrBlock") == "10.0.0.0/16"
    ]
    compute_routes = [
        r
        for r in _resources(reference, COMPUTE, "AWS::EC2::Route").values()
        if r["Properties"].get("DestinationCidrBlock") == "10.100.0.0/16"
    ]
    # two AZs, private and isolated tiers on each side
    assert len(onprem_routes) == len(compute_routes) == 4
    for route in compute_routes:
        # the peering id comes from the on-prem region's stack
        assert route["Properties"]["VpcPeeringConnectionId"]["Fn::GetStackOutput"]["Region"] == (
            "us-west-1"
        )


def test_burst_cluster_waits_for_the_accepter_routes_and_dns(reference: BuiltApp) -> None:
    (cluster,) = _resources(reference, COMPUTE, "AWS::EMR::Cluster").values()
    depends = cluster["DependsOn"]
    assert sum(d.startswith("PeeringAccepterRoutes") for d in depends) == 4
    assert any(d.startswith("PeeringAccepterDnsResolution") for d in depends)


def test_burst_catalog_points_at_the_onprem_primary_over_the_peering(reference: BuiltApp) -> None:
    (cluster,) = _resources(reference, COMPUTE, "AWS::EMR::Cluster").values()
    (catalog,) = [
        a for a in cluster["Properties"]["BootstrapActions"] if a["Name"] == "Write onprem catalog"
    ]
    catalog_args = json.dumps(catalog)
    assert "catalog:hive.metastore.uri=thrift://" in catalog_args
    assert "catalog:connector.name=hive-hadoop2" in catalog_args  # PrestoDB by default
    assert "/etc/presto/conf/onpremConf/core-site.xml" in catalog_args
    # the primary's private IP, read in the on-prem region (its DNS name does not resolve here)
    assert '"OutputName": "PublishOutputFnGetAttPrimaryAddress' in catalog_args


def test_no_security_group_accepts_traffic_from_anywhere(reference: BuiltApp) -> None:
    for stack in (ONPREM, COMPUTE, NETWORK):
        for rule in _resources(reference, stack, "AWS::EC2::SecurityGroupIngress").values():
            assert rule["Properties"].get("CidrIp") != "0.0.0.0/0"
        for group in _resources(reference, stack, "AWS::EC2::SecurityGroup").values():
            for rule in group["Properties"].get("SecurityGroupIngress", []):
                assert rule.get("CidrIp") != "0.0.0.0/0"


@pytest.mark.parametrize(
    ("stack", "peer_cidr", "ports"),
    [
        (ONPREM, "10.0.0.0/16", {8020, 50010, 9083, 10000}),
        (COMPUTE, "10.100.0.0/16", {8889, 19998, 29999, 19999}),
    ],
)
def test_peer_access_opens_exactly_the_burst_ports(
    reference: BuiltApp, stack: str, peer_cidr: str, ports: set[int]
) -> None:
    groups = [
        g
        for k, g in _resources(reference, stack, "AWS::EC2::SecurityGroup").items()
        if k.startswith("PeerAccess")
    ]
    (group,) = groups
    rules = group["Properties"]["SecurityGroupIngress"]
    assert {r["CidrIp"] for r in rules} == {peer_cidr}  # webUiCidr is unset by default
    assert {r["FromPort"] for r in rules} == ports


def test_both_clusters_carry_the_peer_access_group(reference: BuiltApp) -> None:
    for stack in (ONPREM, COMPUTE):
        (cluster,) = _resources(reference, stack, "AWS::EMR::Cluster").values()
        instances = cluster["Properties"]["Instances"]
        (extra,) = instances["AdditionalMasterSecurityGroups"]
        assert extra["Fn::GetAtt"][0].startswith("PeerAccessSecurityGroup")
        assert instances["AdditionalSlaveSecurityGroups"] == [extra]


def test_the_onprem_cluster_may_read_the_tutorial_dataset(reference: BuiltApp) -> None:
    text = json.dumps(_resources(reference, ONPREM, "AWS::IAM::ManagedPolicy"))
    assert "autobots-tpcds-pregenerated-data/spark/unpart_sf100_10k/*" in text


def test_operations_exist_on_both_sides(reference: BuiltApp) -> None:
    for stack in (ONPREM, COMPUTE):
        alarms = _resources(reference, stack, "AWS::CloudWatch::Alarm").values()
        assert {a["Properties"]["MetricName"] for a in alarms} == {"IsIdle", "HDFSUtilization"}
        assert len(_resources(reference, stack, "AWS::Events::Rule")) == 4
    assert len(_resources(reference, COMPUTE, "AWS::StepFunctions::StateMachine")) == 1


# --- configuration ---------------------------------------------------------------------------


def _config(**overrides: Any) -> AppConfig:
    context = cdk_json_context() | {f"emr-burst:{k}": v for k, v in overrides.items()}
    return AppConfig.from_context(context.get)


def test_hybrid_defaults_reproduce_the_tutorial() -> None:
    hybrid = _config().hybrid
    assert (hybrid.onprem_region, hybrid.compute_region) == ("us-west-1", "us-east-1")
    assert (hybrid.onprem_cidr, hybrid.compute_cidr) == ("10.100.0.0/16", "10.0.0.0/16")
    assert hybrid.engine == "presto"
    assert hybrid.web_ui_cidr is None


def test_fails_when_config_cidrs_overlap_or_regions_match() -> None:
    with pytest.raises(ConfigError) as err:
        _config(onpremCidr="10.0.0.0/17", onpremRegion="us-east-1")
    assert "overlaps the compute CIDR 10.0.0.0/16" in str(err.value)
    assert "the hybrid burst peers two regions" in str(err.value)


def test_fails_when_config_values_are_malformed() -> None:
    with pytest.raises(ConfigError) as err:
        _config(
            webUiCidr="0.0.0.0/0",
            computeReleaseLabel="6.15.0",
            hybridEngine="spark",
            alluxioBootstrapScript="https://example.com/alluxio-emr.sh",
            idleTimeoutSeconds=30,
        )
    message = str(err.value)
    for key in (
        "webUiCidr",
        "computeReleaseLabel",
        "hybridEngine",
        "alluxioBootstrapScript",
        "idleTimeoutSeconds",
    ):
        assert f"'emr-burst:{key}'" in message


def test_fails_when_accounts_differ() -> None:
    with pytest.raises(ConfigError, match="cross-region references"):
        _config(onpremAccount="111111111111", computeAccount="222222222222")


def test_fails_when_config_names_an_alluxio_script_without_the_shim() -> None:
    with pytest.raises(ConfigError) as err:
        _config(alluxioBootstrapScript="s3://alluxio-public/emr/2.0.1/alluxio-emr.sh")
    message = str(err.value)
    assert "'emr-burst:alluxioBootstrapScript'" in message
    assert "ShimFileSystem" in message
