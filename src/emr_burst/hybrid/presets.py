"""The Alluxio hybrid burst tutorial's two EMR clusters as presets of ``EmrCluster``.

``EmrCluster.on_prem_proxy`` and ``EmrCluster.burst_compute`` call these functions; any
``EmrCluster`` prop can be passed through ``props`` to override the preset's choice.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3_assets as s3_assets
from constructs import Construct

from emr_burst.core import rules
from emr_burst.core.errors import Checker
from emr_burst.emr_ec2.bootstrap import BootstrapAction
from emr_burst.emr_ec2.capacity import CapacityMode, Market, NodeGroup, WorkloadType
from emr_burst.emr_ec2.cluster import EmrCluster
from emr_burst.emr_ec2.cluster_props import classifications
from emr_burst.hybrid.alluxio import ALLUXIO_CLIENT_JAR, ALLUXIO_SHIM, AlluxioOptions
from emr_burst.hybrid.catalog import EngineCatalog, QueryEngine, thrift_host
from emr_burst.hybrid.catalog import catalog_name as catalog_name_rule
from emr_burst.hybrid.catalog import metastore_uri as metastore_uri_rule

#: ``EmrCluster`` props a preset passes on (everything but ``scope`` and ``construct_id``).
_CLUSTER_PROPS = frozenset(inspect.signature(EmrCluster.__init__).parameters) - {
    "self",
    "scope",
    "construct_id",
}


def on_prem_proxy_configurations() -> dict[str, dict[str, str]]:
    """The on-prem stand-in: HDFS and the Hive Metastore answer clients from the peered VPC."""
    return {
        # The NameNode listens on every interface, so clients in the peer VPC reach its RPC port.
        "hdfs-site": {
            "dfs.namenode.rpc-bind-host": "0.0.0.0",
            "dfs.namenode.servicerpc-bind-host": "0.0.0.0",
        },
        # Tables live in the cluster's HDFS, which the burst side reads through Alluxio.
        "hive-site": {"hive.metastore.warehouse.dir": "hdfs:///user/hive/warehouse"},
    }


_HOSTS_SCRIPT_SUFFIX = "HostsScript"
_ASSETS = Path(__file__).resolve().parent / "assets" / "emr"


def _map_hosts_action(
    scope: Construct, construct_id: str, host_addresses: Mapping[str, str]
) -> BootstrapAction:
    """The first bootstrap action: ``/etc/hosts`` entries for names the VPC cannot resolve."""
    script = s3_assets.Asset(
        scope, f"{construct_id}{_HOSTS_SCRIPT_SUFFIX}", path=str(_ASSETS / "map-hosts.sh")
    )
    args = tuple(f"host:{ip}={name}" for name, ip in host_addresses.items())
    return BootstrapAction("Map on-prem names", script.s3_object_url, args)


def _object_arn(partition: str, uri: str) -> str:
    """``s3://bucket/key`` -> its object ARN, also when the bucket name is a token."""
    if uri.startswith("s3://"):
        return f"arn:{partition}:s3:::{uri.removeprefix('s3://')}"
    return cdk.Fn.join("", [f"arn:{partition}:s3:::", cdk.Fn.select(1, cdk.Fn.split("s3://", uri))])


def _check_props(check: Checker, props: dict[str, Any]) -> None:
    """Unknown keyword arguments are reported (with a guess) instead of a ``TypeError``."""
    for name in sorted(set(props) - _CLUSTER_PROPS):
        hint = rules.did_you_mean(name, _CLUSTER_PROPS)
        check.add(name, props[name], f"not an EmrCluster prop{hint}")


def on_prem_proxy(
    scope: Construct,
    construct_id: str,
    *,
    vpc: ec2.IVpc,
    release_label: str = "emr-5.36.0",
    **props: Any,
) -> EmrCluster:
    """The tutorial's ``on-prem-cluster``: Hadoop, Hive and HDFS standing in for a data center.

    1 x r4.4xlarge on-demand primary and 3 x r4.4xlarge **on-demand** core nodes in uniform
    instance groups (a test-type cluster with an on-demand primary); the Hive Metastore (9083) and
    HDFS answer the peer. The tutorial buys spot core nodes, but this cluster's HDFS is the data
    the burst reads and EMR keeps one replica with 3 core nodes: one reclaim loses blocks. Pass
    ``core=NodeGroup(..., market=Market.SPOT)`` with ``hdfs_on_spot=True`` to follow it.

    Example::

        onprem = EmrCluster.on_prem_proxy(self, "OnPremCluster", vpc=vpc,
            additional_security_groups=[peer_access.security_group])
    """
    check = Checker(scope, construct_id, "EmrCluster")
    _check_props(check, props)
    configurations = props.get("configurations") or {}
    if check.rule("configurations", configurations, classifications):
        props["configurations"] = {**on_prem_proxy_configurations(), **dict(configurations)}
    check.raise_if_any()
    props.setdefault("cluster_name", "on-prem-cluster")
    props.setdefault("applications", ["Hadoop", "Hive"])
    props.setdefault("primary", NodeGroup(("r4.4xlarge",), 1, Market.ON_DEMAND))
    props.setdefault("core", NodeGroup(("r4.4xlarge",), 3, Market.ON_DEMAND))
    props.setdefault("workload_type", WorkloadType.TEST)
    props.setdefault("capacity_mode", CapacityMode.INSTANCE_GROUPS)
    return EmrCluster(scope, construct_id, vpc=vpc, release_label=release_label, **props)


def burst_compute(
    scope: Construct,
    construct_id: str,
    *,
    vpc: ec2.IVpc,
    metastore_uri: str | None,
    alluxio: AlluxioOptions,
    engine: QueryEngine | str = QueryEngine.PRESTO,
    catalog_name: str = "onprem",
    release_label: str = "emr-6.15.0",
    host_addresses: Mapping[str, str] | None = None,
    **props: Any,
) -> EmrCluster:
    """The tutorial's ``alluxio-compute-cluster``: Presto or Trino with Alluxio.

    1 x r4.4xlarge on-demand primary and 3 x r5d.4xlarge spot workers (NVMe instance store for
    Alluxio's cache) in instance groups. The preset opts in to ``hdfs_on_spot``: this cluster's
    HDFS holds only scratch data and Alluxio's cache can be refilled from the on-prem side, so a
    reclaim costs time, not data. Alluxio comes from its bootstrap script; a catalog
    named ``catalog_name`` points the engine's Hive connector at ``metastore_uri`` (the on-prem
    metastore over the peering) and, with ``alluxio.transparent_uri``, reads ``hdfs://``
    locations through Alluxio.

    Example::

        burst = EmrCluster.burst_compute(self, "BurstCluster", vpc=vpc,
            metastore_uri=f"thrift://{onprem.primary_dns}:9083",
            alluxio=AlluxioOptions(bootstrap_script="s3://alluxio-public/emr/2.3.0/alluxio-emr.sh"),
            engine=QueryEngine.TRINO)

    :param metastore_uri: ``thrift://host:9083`` of the on-prem Hive Metastore (required).
    :param alluxio: how Alluxio is installed and mounted.
    :param engine: Presto or Trino. Default: - PRESTO.
    :param catalog_name: the catalog's name. Default: - ``onprem``.
    :param host_addresses: host names the burst nodes cannot resolve, to their IPs, written to
        ``/etc/hosts`` by the first bootstrap action: another region's private
        ``compute.internal`` names, e.g. ``{onprem.primary_dns: address.private_ip}`` (the name
        Hive wrote into the table locations). Default: - none.
    """
    check = Checker(scope, construct_id, "EmrCluster")
    _check_props(check, props)
    check.rule("metastore_uri", metastore_uri, metastore_uri_rule)
    if check.rule("alluxio", alluxio, rules.instance_of(AlluxioOptions, "AlluxioOptions(...)")):
        alluxio.check(check, "alluxio")
    parsed = rules.choice(QueryEngine, engine)
    if isinstance(parsed, str):
        check.add("engine", engine, parsed)
    check.rule("catalog_name", catalog_name, catalog_name_rule)
    check.rule("bootstrap_actions", props.get("bootstrap_actions", ()), rules.sequence("action"))
    check.rule("catalogs", props.get("catalogs", ()), rules.sequence("EngineCatalog(...)"))
    check.rule(
        "host_addresses",
        host_addresses,
        rules.optional(
            rules.string_map("{'ip-10-100-1-5.us-west-1.compute.internal': '10.100.1.5'}")
        ),
    )
    check.raise_if_any()
    assert metastore_uri is not None
    assert isinstance(parsed, QueryEngine)
    root_ufs = alluxio.root_ufs_uri or f"hdfs://{thrift_host(metastore_uri)}:8020/"
    catalog = EngineCatalog(
        engine=parsed,
        metastore_uri=metastore_uri,
        name=catalog_name,
        site_properties=ALLUXIO_SHIM if alluxio.transparent_uri else {},
        # The shim class must be on the connector's classpath; Alluxio's bootstrap links the
        # client only for PrestoDB, so the catalog links it for either engine.
        client_jars=(ALLUXIO_CLIENT_JAR,) if alluxio.transparent_uri else (),
    )
    install = BootstrapAction(
        "Install Alluxio", alluxio.bootstrap_script, alluxio.bootstrap_args(root_ufs)
    )
    first = [install]
    if host_addresses:
        first.insert(0, _map_hosts_action(scope, construct_id, host_addresses))
    props["bootstrap_actions"] = [*first, *props.get("bootstrap_actions", ())]
    props["catalogs"] = [catalog, *props.get("catalogs", ())]
    props.setdefault("cluster_name", "alluxio-compute-cluster")
    props.setdefault("applications", ["Hadoop", parsed.value])
    props.setdefault("primary", NodeGroup(("r4.4xlarge",), 1, Market.ON_DEMAND))
    props.setdefault("core", NodeGroup(("r5d.4xlarge",), 3, Market.SPOT))
    props.setdefault("hdfs_on_spot", True)
    props.setdefault("workload_type", WorkloadType.TEST)
    props.setdefault("capacity_mode", CapacityMode.INSTANCE_GROUPS)
    cluster = EmrCluster(scope, construct_id, vpc=vpc, release_label=release_label, **props)
    if host_addresses:
        script = scope.node.find_child(f"{construct_id}{_HOSTS_SCRIPT_SUFFIX}")
        assert isinstance(script, s3_assets.Asset)
        cluster.add_to_instance_policy(
            iam.PolicyStatement(
                actions=["s3:GetObject"],
                resources=[script.bucket.arn_for_objects(script.s3_object_key)],
            )
        )
    cluster.alluxio_properties = alluxio.site_properties(root_ufs)
    partition = cdk.Stack.of(cluster).partition
    if alluxio.site_files:
        cluster.add_to_instance_policy(
            iam.PolicyStatement(
                actions=["s3:GetObject"],
                resources=[_object_arn(partition, uri) for uri in alluxio.site_files],
            )
        )
    return cluster
