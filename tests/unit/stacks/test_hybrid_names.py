"""Cross-region names: the burst side reaches the on-prem primary by addresses that resolve, and the
peering's DNS options are set only once the peering is active (from the accepter's stack)."""

from __future__ import annotations

import json
from typing import Any

from tests.harness.reference import BuiltApp

ONPREM, COMPUTE = "EmrBurstHybridOnPrem", "EmrBurstHybridCompute"


def _resources(reference: BuiltApp, stack: str, type_: str) -> dict[str, Any]:
    return {k: r for k, r in reference.template(stack)["Resources"].items() if r["Type"] == type_}


def _cluster(reference: BuiltApp) -> dict[str, Any]:
    (cluster,) = _resources(reference, COMPUTE, "AWS::EMR::Cluster").values()
    props: dict[str, Any] = cluster["Properties"]
    return props


def _sdk_calls(reference: BuiltApp, stack: str) -> dict[str, dict[str, Any]]:
    return _resources(reference, stack, "Custom::AWS")


def test_onprem_primary_ip_is_read_at_deploy_time(reference: BuiltApp) -> None:
    calls = [json.dumps(c["Properties"]["Create"]) for c in _sdk_calls(reference, ONPREM).values()]
    reads = [c for c in calls if "listInstances" in c]
    assert len(reads) == 1
    assert "MASTER" in reads[0]
    assert "PrivateIpAddress" in reads[0]
    outputs = reference.template(ONPREM)["Outputs"]
    assert "PrimaryIp" in outputs


def test_metastore_is_reached_by_the_primary_ip(reference: BuiltApp) -> None:
    catalog = json.dumps(_cluster(reference)["BootstrapActions"])
    assert "catalog:hive.metastore.uri=thrift://" in catalog
    # the IP comes from the on-prem stack's custom resource, never the private DNS name
    metastore = [
        a for a in _cluster(reference)["BootstrapActions"] if "catalog" in json.dumps(a["Name"])
    ]
    assert "MasterPublicDNS" not in json.dumps(metastore)
    assert "PrimaryAddress" in json.dumps(metastore)


def test_burst_nodes_map_the_onprem_name_to_its_ip_first(reference: BuiltApp) -> None:
    first = _cluster(reference)["BootstrapActions"][0]
    assert first["Name"] == "Map on-prem names"
    args = json.dumps(first["ScriptBootstrapAction"]["Args"])
    assert "MasterPublicDNS" in args  # the name Hive wrote into table locations
    assert "PrimaryAddress" in args  # the address it maps to


def test_dns_options_are_set_from_the_accepter_stack_after_its_routes(
    reference: BuiltApp,
) -> None:
    assert not [
        c
        for c in _sdk_calls(reference, ONPREM).values()
        if "modifyVpcPeeringConnectionOptions" in json.dumps(c["Properties"]["Create"])
    ]
    dns = {
        logical_id: c
        for logical_id, c in _sdk_calls(reference, COMPUTE).items()
        if "modifyVpcPeeringConnectionOptions" in json.dumps(c["Properties"]["Create"])
    }
    creates = " ".join(json.dumps(c["Properties"]["Create"]) for c in dns.values())
    assert "RequesterPeeringConnectionOptions" in creates
    assert "AccepterPeeringConnectionOptions" in creates
    assert '\\"region\\":\\"us-west-1\\"' in creates  # the requester side runs in its region
    for call in dns.values():
        depends = call.get("DependsOn", [])
        assert sum(d.startswith("PeeringAccepterRoutes") for d in depends) == 4, depends
