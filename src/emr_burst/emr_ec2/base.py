"""What consumers of an EMR on EC2 cluster rely on: :class:`IEmrCluster`, its metrics, imports.

``EmrOperations`` and anything else that takes a cluster takes an :class:`IEmrCluster`, so a cluster
made by :class:`~emr_burst.emr_ec2.cluster.EmrCluster` and one imported with
``EmrCluster.from_cluster_attributes`` work the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable

import aws_cdk as cdk
import jsii
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from constructs import Construct, Node

from emr_burst.core import rules
from emr_burst.core.errors import Checker, EmrBurstError, Problem

#: CloudWatch namespace and dimension of EMR on EC2 cluster metrics.
NAMESPACE = "AWS/ElasticMapReduce"
DIMENSION = "JobFlowId"
#: EMR publishes its CloudWatch metrics every five minutes.
METRIC_PERIOD = cdk.Duration.minutes(5)

_CLUSTER_ID = "a cluster id such as 'j-2AXXXXXXGAPLF'"


@runtime_checkable
class IEmrCluster(Protocol):
    """An EMR on EC2 cluster, made here or imported: enough to watch, reach and grant to it."""

    @property
    def node(self) -> Node: ...

    @property
    def cluster_id(self) -> str:
        """The cluster id (``j-...``)."""
        ...

    @property
    def cluster_arn(self) -> str: ...

    @property
    def instance_role(self) -> iam.IRole | None:
        """The nodes' role, when known."""
        ...

    @property
    def grant_principal(self) -> iam.IPrincipal: ...

    @property
    def connections(self) -> ec2.Connections: ...

    def metric(
        self,
        metric_name: str,
        *,
        statistic: str = "Average",
        period: cdk.Duration = METRIC_PERIOD,
        label: str | None = None,
    ) -> cloudwatch.Metric: ...

    def metric_is_idle(self, **props: Any) -> cloudwatch.Metric: ...

    def metric_hdfs_utilization(self, **props: Any) -> cloudwatch.Metric: ...

    def metric_apps_pending(self, **props: Any) -> cloudwatch.Metric: ...


#: What a value passed as a cluster must have (jsii-style interface check).
cluster_rule = rules.interface(
    "an IEmrCluster such as EmrCluster(...) or EmrCluster.from_cluster_attributes(...)",
    "node",
    "cluster_id",
    "metric",
    "grant_principal",
)


class EmrClusterBase(Construct):
    """Metrics shared by made and imported clusters (namespace ``AWS/ElasticMapReduce``)."""

    cluster_id: str

    def metric(
        self,
        metric_name: str,
        *,
        statistic: str = "Average",
        period: cdk.Duration = METRIC_PERIOD,
        label: str | None = None,
    ) -> cloudwatch.Metric:
        """Any EMR cluster metric by name, e.g. ``metric("MRUnhealthyNodes")``.

        :param statistic: Default: - ``Average``.
        :param period: Default: - 5 minutes, EMR's publishing interval.
        """
        check = Checker(None, None, "", where=f"EmrCluster '{self.node.path}'.metric()")
        check.rule("metric_name", metric_name, _metric_name)
        check.rule("statistic", statistic, _metric_name)
        check.rule("period", period, rules.cdk_duration)
        check.raise_if_any()
        return cloudwatch.Metric(
            namespace=NAMESPACE,
            metric_name=metric_name,
            dimensions_map={DIMENSION: self.cluster_id},
            statistic=statistic,
            period=period,
            label=label,
        )

    def metric_is_idle(self, **props: Any) -> cloudwatch.Metric:
        """1 while the cluster runs no work; ``Minimum`` by default (idle the whole period)."""
        return self.metric("IsIdle", **{"statistic": "Minimum", **props})

    def metric_hdfs_utilization(self, **props: Any) -> cloudwatch.Metric:
        """Percent of HDFS in use."""
        return self.metric("HDFSUtilization", **props)

    def metric_apps_pending(self, **props: Any) -> cloudwatch.Metric:
        """YARN applications submitted but not yet running."""
        return self.metric("AppsPending", **props)

    def metric_apps_running(self, **props: Any) -> cloudwatch.Metric:
        """YARN applications running."""
        return self.metric("AppsRunning", **props)

    def metric_containers_pending(self, **props: Any) -> cloudwatch.Metric:
        """YARN containers waiting for resources."""
        return self.metric("ContainerPending", **props)

    def metric_yarn_memory_available_percentage(self, **props: Any) -> cloudwatch.Metric:
        """Percent of YARN memory free."""
        return self.metric("YARNMemoryAvailablePercentage", **props)

    def metric_live_data_nodes(self, **props: Any) -> cloudwatch.Metric:
        """Percent of HDFS DataNodes that report to the NameNode."""
        return self.metric("LiveDataNodes", **props)

    def metric_capacity_remaining_gb(self, **props: Any) -> cloudwatch.Metric:
        """HDFS capacity left, in GB."""
        return self.metric("CapacityRemainingGB", **props)


def _metric_name(value: Any) -> str | None:
    if isinstance(value, str) and value:
        return None
    return f"expected a non-empty string such as 'IsIdle', got {type(value).__name__}"


def _cluster_id(value: Any) -> str | None:
    if rules.unresolved(value):
        return None
    if isinstance(value, str) and value.startswith("j-") and len(value) > 2:
        return None
    return f"use {_CLUSTER_ID}"


@jsii.implements(iam.IGrantable, ec2.IConnectable)
class ImportedEmrCluster(EmrClusterBase):
    """A cluster made elsewhere (see ``EmrCluster.from_cluster_attributes``)."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        cluster_id: str,
        instance_role: iam.IRole | None = None,
        security_groups: Sequence[ec2.ISecurityGroup] = (),
    ) -> None:
        check = Checker(scope, construct_id, "EmrCluster.from_cluster_attributes")
        check.rule("cluster_id", cluster_id, _cluster_id)
        check.rule(
            "instance_role",
            instance_role,
            rules.optional(rules.interface("an iam.IRole", "role_arn", "grant_principal")),
        )
        if check.rule("security_groups", security_groups, rules.sequence("group")):
            group = rules.interface("an ec2.ISecurityGroup", "security_group_id", "connections")
            check.each("security_groups", security_groups, group)
        check.raise_if_any()
        super().__init__(scope, construct_id)
        self.cluster_id = cluster_id
        self.cluster_arn: str = cdk.Stack.of(self).format_arn(
            service="elasticmapreduce", resource="cluster", resource_name=cluster_id
        )
        self.instance_role: iam.IRole | None = instance_role
        self._connections = ec2.Connections(security_groups=list(security_groups))

    @property
    def grant_principal(self) -> iam.IPrincipal:
        """The nodes' role; an import without one cannot be granted anything."""
        if self.instance_role is None:
            raise EmrBurstError(
                [
                    Problem(
                        f"EmrCluster.from_cluster_attributes '{self.node.path}'",
                        "instance_role",
                        None,
                        "grants go to the nodes' role; pass instance_role=iam.Role.from_role_name"
                        "(...) when importing the cluster",
                    )
                ]
            )
        return self.instance_role

    @property
    def connections(self) -> ec2.Connections:
        return self._connections
