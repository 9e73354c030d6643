"""EMR on EKS platform: an ``aws_eks_v2`` cluster with access entries and Spark compute that scales.

EMR reaches team namespaces through the access entries ``CreateVirtualCluster`` creates for its
service-linked role, so the cluster runs in the ``API`` authentication mode and nothing here ever
edits the ``aws-auth`` ConfigMap.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_eks_v2 as eks
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk.lambda_layer_kubectl_v33 import KubectlV33Layer
from constructs import Construct, IConstruct, IDependable

from emr_burst.core import buckets as _buckets
from emr_burst.core import kms as _kms
from emr_burst.core import nag as _nag
from emr_burst.core.removal import data_removal_policy

#: Kubernetes minors the platform supports: EKS standard support, and within one minor of the
#: pinned kubectl layer (v1.33), kubectl's version-skew policy.
SUPPORTED_KUBERNETES_VERSIONS = ("1.32", "1.33", "1.34")
DEFAULT_KUBERNETES_VERSION = "1.33"

#: Node label and taint key that keeps Spark pods and other workloads apart in Auto Mode.
SPARK_ROLE_LABEL = "emr-burst.io/spark-role"
SPARK_NODE_CLASS = "spark"
DRIVER_NODE_POOL = "spark-driver"
EXECUTOR_NODE_POOL = "spark-executor"

CAPACITY_TYPES = ("on-demand", "spot")
ARCHITECTURES = ("arm64", "amd64")
_FAMILY_RE = re.compile(r"^[a-z]+[0-9]+[a-z-]*$")
#: Graviton families carry a ``g`` right after the generation digit (m7g, r8gd, c6gn).
_GRAVITON_RE = re.compile(r"^[a-z]+[0-9]+g")
#: Families with local NVMe instance storage carry a ``d`` in their suffix (m6id, r6gd, c5d).
_NVME_RE = re.compile(r"^[a-z]+[0-9]+[a-z-]*d[a-z-]*$")
_MAX_NODE_LIFETIME = "336h"


@dataclass(frozen=True)
class AutoModeCompute:
    """Elastic compute: EKS Auto Mode with one NodePool for Spark drivers and one for executors.

    Both pools use one NodeClass (the platform's node role, private subnets, the cluster security
    group). Drivers go on ``driver_capacity_types`` (on-demand by default, so a job is not lost to a
    spot interruption), executors on ``executor_capacity_types`` (spot by default). Each pool is
    tainted, so only pods that tolerate it (the team pod templates) land there.

    :param instance_families: EC2 families both pools may use. Default: - Graviton and x86 general
        purpose and memory-optimized families of the 6th and 7th generation.
    :param architectures: CPU architectures allowed. Default: - ``arm64`` and ``amd64``.
    :param driver_capacity_types: capacity types for drivers. Default: - ``on-demand``.
    :param executor_capacity_types: capacity types for executors. Default: - ``spot``.
    :param guaranteed_drivers: refuse spot-only drivers. Default: - True.
    :param local_nvme: require instances with local NVMe storage (shuffle and spill on instance
        store). Default: - False.
    :param ephemeral_storage_gib: EBS ephemeral storage per node. Default: - 100.
    :param driver_cpu_limit: vCPUs the driver pool may hold in total. Default: - 64.
    :param executor_cpu_limit: vCPUs the executor pool may hold in total. Default: - 512.
    :param consolidate_after: how long an empty node lives before it is removed. Default: - 60s.
    """

    instance_families: Sequence[str] = ("m6g", "m7g", "r6g", "r7g", "m6i", "m7i", "r6i", "r7i")
    architectures: Sequence[str] = ARCHITECTURES
    driver_capacity_types: Sequence[str] = ("on-demand",)
    executor_capacity_types: Sequence[str] = ("spot",)
    guaranteed_drivers: bool = True
    local_nvme: bool = False
    ephemeral_storage_gib: int = 100
    driver_cpu_limit: int = 64
    executor_cpu_limit: int = 512
    consolidate_after: str = "60s"

    def problems(self) -> list[str]:
        problems: list[str] = []
        families = list(self.instance_families)
        bad_families = [f for f in families if not _FAMILY_RE.match(f)]
        if not families or bad_families:
            problems.append(
                f"compute.instance_families {families!r}: list at least one EC2 family such as "
                "'m7g' or 'r6i' (no sizes)"
            )
        archs = list(self.architectures)
        if not archs or any(a not in ARCHITECTURES for a in archs):
            problems.append(
                f"compute.architectures {archs!r}: choose one or both of {', '.join(ARCHITECTURES)}"
            )
        elif families and not bad_families:
            graviton = [f for f in families if _GRAVITON_RE.match(f)]
            if archs == ["arm64"] and not graviton:
                problems.append(
                    f"compute.architectures ['arm64'] but no Graviton family in {families!r}; add "
                    "one such as 'm7g'"
                )
            if archs == ["amd64"] and len(graviton) == len(families):
                problems.append(
                    f"compute.architectures ['amd64'] but only Graviton families {families!r}; add "
                    "an x86 family such as 'm7i'"
                )
        for name, types in (
            ("driver_capacity_types", self.driver_capacity_types),
            ("executor_capacity_types", self.executor_capacity_types),
        ):
            if not types:
                problems.append(
                    f"compute.{name} is empty: Spark needs capacity for it; use e.g. ['spot'] or "
                    "['on-demand']"
                )
            elif any(t not in CAPACITY_TYPES for t in types):
                problems.append(
                    f"compute.{name} {list(types)!r}: choose from {', '.join(CAPACITY_TYPES)}"
                )
        if self.guaranteed_drivers and "spot" in self.driver_capacity_types:
            problems.append(
                f"compute.driver_capacity_types {list(self.driver_capacity_types)!r} allows spot "
                "but guaranteed_drivers is True: a spot interruption kills the whole job; use "
                "['on-demand'] or set guaranteed_drivers=False"
            )
        if self.local_nvme and families and not any(_NVME_RE.match(f) for f in families):
            problems.append(
                f"compute.local_nvme is True but no family in {families!r} has local NVMe; add "
                "'d' families such as 'm6gd' or 'r6id'"
            )
        if not 20 <= self.ephemeral_storage_gib <= 16384:
            problems.append(
                f"compute.ephemeral_storage_gib {self.ephemeral_storage_gib}: use 20 to 16384"
            )
        if self.driver_cpu_limit < 1:
            problems.append(f"compute.driver_cpu_limit {self.driver_cpu_limit}: use at least 1")
        if self.executor_cpu_limit < 1:
            problems.append(
                f"compute.executor_cpu_limit {self.executor_cpu_limit}: executors need capacity; "
                "use at least 1"
            )
        if not re.fullmatch(r"\d+(s|m|h)", self.consolidate_after):
            problems.append(
                f"compute.consolidate_after {self.consolidate_after!r}: use a duration such as "
                "'60s', '5m' or '1h'"
            )
        return problems


@dataclass(frozen=True)
class NodeGroupCompute:
    """Fixed compute: one EKS managed node group (the YuniKorn post's 4 x m5.2xlarge by default).

    Drivers and executors share the group; with ``capacity_type="on-demand"`` every pod is on
    on-demand capacity. Use this mode when a scheduler such as YuniKorn should divide a known,
    fixed amount of capacity between queues.

    :param instance_types: EC2 instance types of the group. Default: - ``m5.2xlarge``.
    :param min_size: Default: - 4. :param desired_size: Default: - 4. :param max_size: Default: - 4.
    :param capacity_type: ``on-demand`` or ``spot``. Default: - ``on-demand``.
    :param disk_size_gib: root volume per node. Default: - 20.
    :param ami_type: node AMI. Default: - Amazon Linux 2023 x86_64.
    :param guaranteed_drivers: refuse a spot group, where drivers could be interrupted.
        Default: - True.
    """

    instance_types: Sequence[str] = ("m5.2xlarge",)
    min_size: int = 4
    desired_size: int = 4
    max_size: int = 4
    capacity_type: str = "on-demand"
    disk_size_gib: int = 20
    ami_type: eks.NodegroupAmiType = eks.NodegroupAmiType.AL2023_X86_64_STANDARD
    guaranteed_drivers: bool = True

    def problems(self) -> list[str]:
        problems: list[str] = []
        bad = [t for t in self.instance_types if not re.fullmatch(r"[a-z][a-z0-9-]*\.[a-z0-9]+", t)]
        if not self.instance_types or bad:
            problems.append(
                f"compute.instance_types {list(self.instance_types)!r}: list instance types such "
                "as 'm5.2xlarge'"
            )
        if self.max_size < 1:
            problems.append(
                f"compute.max_size {self.max_size}: executors need capacity; use at least 1"
            )
        if not 0 <= self.min_size <= self.desired_size <= self.max_size:
            problems.append(
                f"compute sizes min {self.min_size} / desired {self.desired_size} / max "
                f"{self.max_size}: need 0 <= min <= desired <= max"
            )
        if self.capacity_type not in CAPACITY_TYPES:
            problems.append(
                f"compute.capacity_type {self.capacity_type!r}: choose from "
                f"{', '.join(CAPACITY_TYPES)}"
            )
        elif self.capacity_type == "spot" and self.guaranteed_drivers:
            problems.append(
                "compute.capacity_type 'spot' with guaranteed_drivers=True: drivers in a spot-only "
                "group can be interrupted; use 'on-demand' or set guaranteed_drivers=False"
            )
        if self.disk_size_gib < 20:
            problems.append(f"compute.disk_size_gib {self.disk_size_gib}: use at least 20")
        return problems


@dataclass(frozen=True)
class SparkPlacement:
    """Where Spark drivers and executors run: node selectors and tolerations for pod templates."""

    driver_node_selector: Mapping[str, str]
    executor_node_selector: Mapping[str, str]
    driver_tolerations: Sequence[Mapping[str, str]] = ()
    executor_tolerations: Sequence[Mapping[str, str]] = ()


def _toleration(value: str) -> dict[str, str]:
    return {"key": SPARK_ROLE_LABEL, "operator": "Equal", "value": value, "effect": "NoSchedule"}


def auto_mode_placement() -> SparkPlacement:
    return SparkPlacement(
        driver_node_selector={SPARK_ROLE_LABEL: "driver"},
        executor_node_selector={SPARK_ROLE_LABEL: "executor"},
        driver_tolerations=(_toleration("driver"),),
        executor_tolerations=(_toleration("executor"),),
    )


def node_group_placement(capacity_type: str) -> SparkPlacement:
    selector = {"eks.amazonaws.com/capacityType": capacity_type.upper().replace("-", "_")}
    return SparkPlacement(driver_node_selector=selector, executor_node_selector=selector)


def node_class_manifest(
    *,
    role_name: str,
    subnet_ids: Sequence[str],
    security_group_ids: Sequence[str],
    ephemeral_storage_gib: int,
) -> dict[str, Any]:
    """The Auto Mode NodeClass both Spark node pools use."""
    return {
        "apiVersion": "eks.amazonaws.com/v1",
        "kind": "NodeClass",
        "metadata": {"name": SPARK_NODE_CLASS},
        "spec": {
            "role": role_name,
            "subnetSelectorTerms": [{"id": subnet} for subnet in subnet_ids],
            "securityGroupSelectorTerms": [{"id": group} for group in security_group_ids],
            "ephemeralStorage": {"size": f"{ephemeral_storage_gib}Gi"},
        },
    }


def node_pool_manifest(
    *,
    name: str,
    spark_role: str,
    capacity_types: Sequence[str],
    compute: AutoModeCompute,
    cpu_limit: int,
) -> dict[str, Any]:
    """A tainted Auto Mode NodePool for one Spark role (``driver`` or ``executor``)."""
    requirements: list[dict[str, Any]] = [
        {"key": "karpenter.sh/capacity-type", "operator": "In", "values": list(capacity_types)},
        {"key": "kubernetes.io/arch", "operator": "In", "values": list(compute.architectures)},
        {
            "key": "eks.amazonaws.com/instance-family",
            "operator": "In",
            "values": list(compute.instance_families),
        },
    ]
    if compute.local_nvme:
        requirements.append(
            {"key": "eks.amazonaws.com/instance-local-nvme", "operator": "Gt", "values": ["0"]}
        )
    return {
        "apiVersion": "karpenter.sh/v1",
        "kind": "NodePool",
        "metadata": {"name": name},
        "spec": {
            "template": {
                "metadata": {"labels": {SPARK_ROLE_LABEL: spark_role}},
                "spec": {
                    "nodeClassRef": {
                        "group": "eks.amazonaws.com",
                        "kind": "NodeClass",
                        "name": SPARK_NODE_CLASS,
                    },
                    "requirements": requirements,
                    "taints": [
                        {"key": SPARK_ROLE_LABEL, "value": spark_role, "effect": "NoSchedule"}
                    ],
                    "expireAfter": _MAX_NODE_LIFETIME,
                },
            },
            "limits": {"cpu": str(cpu_limit)},
            # Spark keeps shuffle data on executors: only empty nodes are removed, never busy ones.
            "disruption": {
                "consolidationPolicy": "WhenEmpty",
                "consolidateAfter": compute.consolidate_after,
            },
        },
    }


def as_icluster(cluster: eks.Cluster) -> eks.ICluster:
    """``cluster`` typed as ``ICluster``: the jsii stubs of ``aws_eks_v2.Cluster`` miss one member
    of the ``ICluster`` protocol (``kubectl_provider_options``), which only confuses mypy."""
    return cast(eks.ICluster, cluster)


ALL_LOG_TYPES = (
    eks.ClusterLoggingTypes.API,
    eks.ClusterLoggingTypes.AUDIT,
    eks.ClusterLoggingTypes.AUTHENTICATOR,
    eks.ClusterLoggingTypes.CONTROLLER_MANAGER,
    eks.ClusterLoggingTypes.SCHEDULER,
)


class EmrEksPlatform(Construct):
    """An EKS cluster ready for EMR on EKS virtual clusters.

    The cluster (``aws_eks_v2``) uses access entries only (authentication mode ``API``), a private
    API endpoint unless ``public_endpoint_cidrs`` lists who may reach it, KMS envelope encryption of
    Kubernetes secrets, all five control-plane log types, and one kubectl provider with a pinned
    kubectl layer. Compute is either EKS Auto Mode with Spark node pools (elastic) or a managed
    node group (fixed).

    Example::

        platform = EmrEksPlatform(self, "Platform",
            vpc=network.vpc,
            kubernetes_version="1.33",
            compute=AutoModeCompute(executor_capacity_types=["spot"]),
            admin_role=admin_role,
        )
        SparkTeam(self, "Analytics", platform=platform, namespace="analytics",
                  role_name="emr-burst-analytics-job")

    :param vpc: the VPC; the cluster and nodes use its private subnets.
    :param kubernetes_version: Kubernetes minor, one of ``SUPPORTED_KUBERNETES_VERSIONS``.
        Default: - ``1.33``.
    :param compute: ``AutoModeCompute`` or ``NodeGroupCompute``. Default: - ``AutoModeCompute()``.
    :param admin_role: role given cluster-admin through an access entry. Default: - none; only the
        kubectl provider can administer the cluster.
    :param public_endpoint_cidrs: CIDRs allowed to reach a public API endpoint. Default: - none,
        the endpoint is private.
    :param secrets_key: KMS key for envelope encryption of secrets. Default: - a new key with
        rotation.
    :param kubectl_layer: layer with kubectl and helm. Default: - ``KubectlV33Layer``.
    :param data_key: KMS key of the job bucket, the teams' log groups and the kubectl provider's
        log groups; a key you pass must let CloudWatch Logs of this account use it.
        Default: - a new key with rotation and that key-policy statement.
    :param job_bucket: bucket of the teams' scripts, data and logs (one prefix per team).
        Default: - a new KMS-encrypted, TLS-only, versioned bucket with server access logs.
    :param cluster_name: Default: - generated by CloudFormation.
    :param removal_policy: for the keys and buckets the platform creates; ``DESTROY`` needs the
        app's ``emr-burst:removeDataOnDestroy`` flag. Default: - RETAIN.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        vpc: ec2.IVpc,
        kubernetes_version: str = DEFAULT_KUBERNETES_VERSION,
        compute: AutoModeCompute | NodeGroupCompute | None = None,
        admin_role: iam.IRole | None = None,
        public_endpoint_cidrs: Sequence[str] = (),
        secrets_key: kms.IKey | None = None,
        kubectl_layer: lambda_.ILayerVersion | None = None,
        data_key: kms.IKey | None = None,
        job_bucket: s3.IBucket | None = None,
        cluster_name: str | None = None,
        removal_policy: cdk.RemovalPolicy | None = None,
    ) -> None:
        compute = compute if compute is not None else AutoModeCompute()
        _validate(construct_id, kubernetes_version, compute, public_endpoint_cidrs)
        super().__init__(scope, construct_id)
        removal = data_removal_policy(self, removal_policy)

        self.kubernetes_version = kubernetes_version
        self.compute = compute
        self._namespaces: dict[str, str] = {}
        self.secrets_key: kms.IKey = secrets_key or _kms.new_key(
            self,
            "SecretsKey",
            description=f"Envelope encryption of the Kubernetes secrets of {self.node.path}",
            removal_policy=removal,
        )
        self.data_key: kms.IKey = data_key or self._new_data_key(removal)
        self.job_bucket: s3.IBucket = job_bucket or self._new_job_bucket(removal)
        self.kubectl_layer = kubectl_layer or KubectlV33Layer(self, "KubectlLayer")
        endpoint = (
            eks.EndpointAccess.PUBLIC_AND_PRIVATE.only_from(*list(public_endpoint_cidrs))
            if public_endpoint_cidrs
            else eks.EndpointAccess.PRIVATE
        )
        private_subnets = [ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS)]
        auto_mode = isinstance(compute, AutoModeCompute)
        self.node_role: iam.IRole | None = None
        compute_config = None
        if auto_mode:
            node_role = iam.Role(
                self,
                "NodeRole",
                assumed_by=iam.ServicePrincipal("ec2.amazonaws.com"),
                description=f"EC2 instances of the EKS Auto Mode nodes of {self.node.path}",
                managed_policies=[
                    iam.ManagedPolicy.from_aws_managed_policy_name(
                        "AmazonEKSWorkerNodeMinimalPolicy"
                    ),
                    iam.ManagedPolicy.from_aws_managed_policy_name(
                        "AmazonEC2ContainerRegistryPullOnly"
                    ),
                ],
            )
            node_role.assume_role_policy.add_statements(  # type: ignore[union-attr]
                iam.PolicyStatement(
                    actions=["sts:TagSession"],
                    principals=[iam.ServicePrincipal("ec2.amazonaws.com")],
                )
            )
            _nag.acknowledge(
                node_role,
                "EKS Auto Mode nodes need exactly the AWS-managed minimal worker-node and "
                "ECR pull-only policies; AWS maintains them as the node agent's needs change.",
                "AwsSolutions-IAM4",
                applies_to=[
                    "Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonEKSWorkerNodeMinimalPolicy",
                    "Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly",
                ],
            )
            self.node_role = node_role
            compute_config = eks.ComputeConfig(
                node_pools=["system", "general-purpose"], node_role=node_role
            )

        self.cluster = eks.Cluster(
            self,
            "Cluster",
            version=eks.KubernetesVersion.of(kubernetes_version),
            cluster_name=cluster_name,
            vpc=vpc,
            vpc_subnets=private_subnets,
            endpoint_access=endpoint,
            secrets_encryption_key=self.secrets_key,
            cluster_logging=list(ALL_LOG_TYPES),
            bootstrap_cluster_creator_admin_permissions=False,
            kubectl_provider_options=eks.KubectlProviderOptions(kubectl_layer=self.kubectl_layer),
            default_capacity_type=(
                eks.DefaultCapacityType.AUTOMODE if auto_mode else eks.DefaultCapacityType.NODEGROUP
            ),
            default_capacity=None if auto_mode else 0,
            compute=compute_config,
        )
        self._secure_cluster_children()

        if admin_role is not None:
            self.admin_access = eks.AccessEntry(
                self,
                "AdminAccess",
                cluster=as_icluster(self.cluster),
                principal=admin_role.role_arn,
                access_policies=[
                    eks.AccessPolicy.from_access_policy_name(
                        "AmazonEKSClusterAdminPolicy",
                        access_scope_type=eks.AccessScopeType.CLUSTER,
                    )
                ],
            )

        self.compute_manifest: eks.KubernetesManifest | None = None
        self.node_group: eks.Nodegroup | None = None
        if isinstance(compute, AutoModeCompute):
            assert self.node_role is not None
            self.placement = auto_mode_placement()
            self.compute_manifest = eks.KubernetesManifest(
                self,
                "SparkNodePools",
                cluster=as_icluster(self.cluster),
                manifest=[
                    node_class_manifest(
                        role_name=self.node_role.role_name,
                        subnet_ids=vpc.select_subnets(
                            subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS
                        ).subnet_ids,
                        security_group_ids=[self.cluster.cluster_security_group_id],
                        ephemeral_storage_gib=compute.ephemeral_storage_gib,
                    ),
                    node_pool_manifest(
                        name=DRIVER_NODE_POOL,
                        spark_role="driver",
                        capacity_types=compute.driver_capacity_types,
                        compute=compute,
                        cpu_limit=compute.driver_cpu_limit,
                    ),
                    node_pool_manifest(
                        name=EXECUTOR_NODE_POOL,
                        spark_role="executor",
                        capacity_types=compute.executor_capacity_types,
                        compute=compute,
                        cpu_limit=compute.executor_cpu_limit,
                    ),
                ],
            )
        else:
            self.placement = node_group_placement(compute.capacity_type)
            self.node_group = eks.Nodegroup(
                self,
                "NodeGroup",
                cluster=as_icluster(self.cluster),
                instance_types=[ec2.InstanceType(t) for t in compute.instance_types],
                min_size=compute.min_size,
                desired_size=compute.desired_size,
                max_size=compute.max_size,
                capacity_type=(
                    eks.CapacityType.SPOT
                    if compute.capacity_type == "spot"
                    else eks.CapacityType.ON_DEMAND
                ),
                disk_size=compute.disk_size_gib,
                ami_type=compute.ami_type,
                subnets=private_subnets[0],
            )
            _nag.acknowledge(
                self.node_group,
                "Managed node group instances need the AWS-managed worker-node, VPC CNI and ECR "
                "read-only policies that EKS documents for node IAM roles.",
                "AwsSolutions-IAM4",
                applies_to=[
                    "Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonEKSWorkerNodePolicy",
                    "Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonEKS_CNI_Policy",
                    "Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
                ],
            )
            # Auto Mode runs the Pod Identity agent itself; node groups need the add-on.
            self.pod_identity_agent = eks.Addon(
                self,
                "PodIdentityAgent",
                cluster=as_icluster(self.cluster),
                addon_name="eks-pod-identity-agent",
            )

    def namespace_problem(self, namespace: str) -> str | None:
        """Why a new virtual cluster cannot use ``namespace`` here (another one already does)."""
        owner = self._namespaces.get(namespace)
        if owner is None:
            return None
        return (
            f"namespace {namespace!r} is already used by {owner} on this platform; two teams on "
            "one namespace would share roles, quotas and job pods: give each team its own"
        )

    def register_namespace(self, namespace: str, owner: Construct) -> None:
        """Record that ``owner`` runs EMR jobs in ``namespace`` (see :meth:`namespace_problem`)."""
        problem = self.namespace_problem(namespace)
        if problem:
            raise ValueError(f"{owner.node.path}: {problem}")
        self._namespaces[namespace] = owner.node.path

    @property
    def cluster_name(self) -> str:
        return self.cluster.cluster_name

    @property
    def ready(self) -> Sequence[IDependable]:
        """What must exist before a virtual cluster: the cluster, its access entries, compute."""
        parts: list[IDependable] = [self.cluster]
        if self.compute_manifest is not None:
            parts.append(self.compute_manifest)
        if self.node_group is not None:
            parts.append(self.node_group)
        return parts

    def _new_data_key(self, removal: cdk.RemovalPolicy) -> kms.IKey:
        key = _kms.new_key(
            self,
            "DataKey",
            description=f"Encrypts the job bucket and team log groups of {self.node.path}",
            removal_policy=removal,
        )
        _kms.allow_cloudwatch_logs(key)
        return key

    def _new_job_bucket(self, removal: cdk.RemovalPolicy) -> s3.IBucket:
        access_logs = _buckets.access_log_bucket(self, "AccessLogBucket", removal_policy=removal)
        return _buckets.kms_bucket(
            self,
            "JobBucket",
            key=self.data_key,
            removal_policy=removal,
            access_logs=access_logs,
            access_logs_prefix="job-bucket/",
        )

    def _secure_cluster_children(self) -> None:
        """Encrypt the kubectl provider's logs; acknowledge what CDK's EKS children must keep."""
        cluster_role = self.cluster.role
        _nag.acknowledge(
            cluster_role,
            "The EKS cluster role needs the AWS-managed cluster, compute, block storage, load "
            "balancing and networking policies that EKS Auto Mode documents for it.",
            "AwsSolutions-IAM4",
            applies_to=[
                f"Policy::arn:<AWS::Partition>:iam::aws:policy/{name}"
                for name in (
                    "AmazonEKSClusterPolicy",
                    "AmazonEKSComputePolicy",
                    "AmazonEKSBlockStoragePolicy",
                    "AmazonEKSLoadBalancingPolicy",
                    "AmazonEKSNetworkingPolicy",
                )
            ],
        )
        provider = self.cluster.kubectl_provider
        if provider is None:
            return
        # The provider's Lambda log groups are CDK-managed; encrypt them with the data key
        # (whose policy admits CloudWatch Logs) instead of acknowledging unencrypted logs.
        for child in provider.node.find_all():
            if isinstance(child, logs.CfnLogGroup):
                child.kms_key_id = self.data_key.key_arn
        handler_ecr_public = [
            target
            for target in (_nag.target(provider, arn) for arn in _managed_policy_arns(provider))
            if "AmazonElasticContainerRegistryPublicReadOnly" in target
        ]
        lambda_policies = [
            "Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
            "Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole",
            "Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
        ]
        lambda_policies += [f"Policy::{target}" for target in handler_ecr_public]
        _nag.acknowledge(
            provider,
            "The kubectl provider is the AWS CDK EKS handler that applies manifests during "
            "deployments; its roles use the AWS-managed Lambda, VPC and ECR read policies CDK "
            "assigns, which AWS keeps current with the Lambda service.",
            "AwsSolutions-IAM4",
            applies_to=lambda_policies,
        )
        handler = provider.node.try_find_child("Handler")
        if isinstance(handler, lambda_.Function):
            _nag.acknowledge(
                provider,
                "The provider framework may invoke only the kubectl handler function; the "
                "wildcard is that one function's versions and aliases.",
                "AwsSolutions-IAM5",
                applies_to=[f"Resource::{_nag.target(provider, handler.function_arn)}:*"],
            )
        _nag.acknowledge(
            provider,
            "The kubectl handler and its provider framework run only during CloudFormation "
            "deployments, which retry and report failed events themselves, so a dead-letter "
            "queue or reserved concurrency adds nothing; the handler's Python runtime is the one "
            "this CDK release pins for the bundled kubectl code.",
            "AwsSolutions-L1",
            *_nag.across_packs("LambdaDLQ"),
            *_nag.across_packs("LambdaConcurrency"),
        )
        _nag.acknowledge(
            provider,
            "The inline default policies belong to the CDK-generated kubectl handler and provider "
            "roles, scoped to this cluster and that function; CDK writes them and they live and "
            "die with the provider.",
            *_nag.across_packs("IAMNoInlinePolicy"),
        )


def _managed_policy_arns(provider: IConstruct) -> list[object]:
    """The managed policies of the kubectl handler's role, as CloudFormation values."""
    function = provider.node.try_find_child("Handler")
    role = function.node.try_find_child("ServiceRole") if function is not None else None
    cfn = role.node.default_child if role is not None else None
    if not isinstance(cfn, iam.CfnRole):
        return []
    resolved = cdk.Stack.of(provider).resolve(cfn.managed_policy_arns)
    return list(resolved or [])


def _validate(
    construct_id: str,
    kubernetes_version: str,
    compute: AutoModeCompute | NodeGroupCompute,
    public_endpoint_cidrs: Sequence[str],
) -> None:
    problems: list[str] = []
    if kubernetes_version not in SUPPORTED_KUBERNETES_VERSIONS:
        problems.append(
            f"kubernetes_version {kubernetes_version!r} is not supported; use one of "
            f"{', '.join(SUPPORTED_KUBERNETES_VERSIONS)} (within one minor of the pinned kubectl "
            "1.33 layer)"
        )
    if isinstance(compute, (AutoModeCompute, NodeGroupCompute)):
        problems += compute.problems()
    else:
        problems.append(
            f"compute {compute!r}: pass AutoModeCompute(...) (elastic) or NodeGroupCompute(...) "
            "(fixed)"
        )
    for cidr in public_endpoint_cidrs:
        if cdk.Token.is_unresolved(cidr):
            continue
        try:
            network = ipaddress.IPv4Network(cidr, strict=True)
        except ValueError as err:
            problems.append(
                f"public_endpoint_cidrs entry {cidr!r} is not an IPv4 CIDR ({err}); use e.g. "
                "'203.0.113.0/24'"
            )
            continue
        if network.prefixlen == 0:
            problems.append(
                f"public_endpoint_cidrs entry {cidr!r} opens the API endpoint to the internet; "
                "list the networks that need it, or leave the list empty for a private endpoint"
            )
    if len(set(public_endpoint_cidrs)) != len(list(public_endpoint_cidrs)):
        problems.append("public_endpoint_cidrs lists a CIDR twice; list each once")
    if problems:
        raise ValueError(f"EmrEksPlatform '{construct_id}': " + "; ".join(problems))
