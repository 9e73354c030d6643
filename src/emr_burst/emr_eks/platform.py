"""EMR on EKS platform: an ``aws_eks_v2`` cluster with access entries and Spark compute that scales.

EMR reaches team namespaces through the access entries ``CreateVirtualCluster`` creates for its
service-linked role, so the cluster runs in the ``API`` authentication mode and nothing here ever
edits the ``aws-auth`` ConfigMap.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, cast, runtime_checkable

import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_eks_v2 as eks
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk.lambda_layer_kubectl_v33 import KubectlV33Layer
from constructs import Construct, IConstruct, IDependable, Node

from emr_burst.core import buckets as _buckets
from emr_burst.core import kms as _kms
from emr_burst.core import nag as _nag
from emr_burst.core import rules, versions
from emr_burst.core.errors import Checker
from emr_burst.core.removal import data_removal_policy
from emr_burst.emr_eks.compute import (
    DRIVER_NODE_POOL,
    EXECUTOR_NODE_POOL,
    AutoModeCompute,
    NodeGroupCompute,
    SparkPlacement,
    auto_mode_placement,
    node_class_manifest,
    node_group_placement,
    node_pool_manifest,
)
from emr_burst.emr_eks.imported import ImportedEmrEksPlatform, register, registry_problem

#: Kept for callers of the first release; the one place for versions is ``core.versions``.
SUPPORTED_KUBERNETES_VERSIONS = versions.KUBERNETES_VERSIONS
DEFAULT_KUBERNETES_VERSION = versions.DEFAULT_KUBERNETES_VERSION


@runtime_checkable
class IEmrEksPlatform(Protocol):
    """What teams, virtual clusters and capabilities need of an EMR on EKS platform.

    Implemented by :class:`EmrEksPlatform` and by the platform that
    :meth:`EmrEksPlatform.from_platform_attributes` imports into another stack or app.
    """

    @property
    def node(self) -> Node: ...

    @property
    def cluster(self) -> eks.ICluster: ...

    @property
    def cluster_name(self) -> str: ...

    @property
    def open_id_connect_provider(self) -> iam.IOpenIdConnectProvider: ...

    @property
    def placement(self) -> SparkPlacement: ...

    def open_id_connect_issuer_for(self, scope: Construct) -> str:
        """The OIDC issuer (``oidc.eks.<region>.amazonaws.com/id/<id>``) as ``scope`` sees it."""
        ...

    @property
    def job_bucket(self) -> s3.IBucket | None: ...

    @property
    def data_key(self) -> kms.IKey | None: ...

    @property
    def ready(self) -> Sequence[IDependable]: ...

    def namespace_problem(self, namespace: str) -> str | None: ...

    def register_namespace(self, namespace: str, owner: Construct) -> None: ...

    def virtual_cluster_problem(self, namespace: str) -> str | None: ...

    def register_virtual_cluster(self, namespace: str, owner: Construct) -> None: ...


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
        _validate(
            scope,
            construct_id,
            vpc=vpc,
            kubernetes_version=kubernetes_version,
            compute=compute,
            public_endpoint_cidrs=public_endpoint_cidrs,
            optional={
                "admin_role": (admin_role, ("an iam.IRole", "role_arn")),
                "secrets_key": (secrets_key, ("a kms.IKey", "key_arn")),
                "data_key": (data_key, ("a kms.IKey", "key_arn")),
                "job_bucket": (job_bucket, ("an s3.IBucket", "bucket_arn")),
                "kubectl_layer": (kubectl_layer, ("a lambda_.ILayerVersion", "layer_version_arn")),
            },
            cluster_name=cluster_name,
            removal_policy=removal_policy,
        )
        super().__init__(scope, construct_id)
        removal = data_removal_policy(self, removal_policy)

        self.kubernetes_version = kubernetes_version
        self.compute = compute
        self.vpc = vpc
        self._namespaces: dict[str, str] = {}
        self._virtual_clusters: dict[str, str] = {}
        self._issuer_output: cdk.CfnOutput | None = None
        self.secrets_key: kms.IKey = secrets_key or _kms.new_key(
            self,
            "SecretsKey",
            description=f"Envelope encryption of the Kubernetes secrets of {self.node.path}",
            removal_policy=removal,
        )
        self.data_key: kms.IKey = data_key or self._new_data_key(removal)
        self.job_bucket: s3.IBucket = job_bucket or self._new_job_bucket(removal)
        self.kubectl_layer = kubectl_layer or KubectlV33Layer(self, "KubectlLayer")
        self.node_role: iam.IRole | None = (
            self._auto_mode_node_role() if isinstance(compute, AutoModeCompute) else None
        )
        self.eks_cluster = self._new_cluster(
            kubernetes_version, public_endpoint_cidrs, cluster_name
        )
        self._secure_cluster_children()
        if admin_role is not None:
            self.admin_access = eks.AccessEntry(
                self,
                "AdminAccess",
                cluster=self.cluster,
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
            self.placement = auto_mode_placement()
            self.compute_manifest = self._auto_mode_pools(compute)
        else:
            self.placement = node_group_placement(compute.capacity_type)
            self.node_group = self._node_group(compute)

    @staticmethod
    def from_platform_attributes(
        scope: Construct,
        construct_id: str,
        *,
        cluster_name: str,
        kubectl_provider_service_token: str,
        open_id_connect_provider_arn: str,
        placement: SparkPlacement,
        kubectl_role: iam.IRole | None = None,
        vpc: ec2.IVpc | None = None,
        job_bucket: s3.IBucket | None = None,
        data_key: kms.IKey | None = None,
        open_id_connect_issuer: str | None = None,
    ) -> IEmrEksPlatform:
        """A platform built by another stack or app, for teams and capabilities to use.

        Example::

            platform = EmrEksPlatform.from_platform_attributes(self, "Platform",
                cluster_name="emr-burst",
                kubectl_provider_service_token=token,
                open_id_connect_provider_arn=oidc_arn,
                placement=auto_mode_placement())

        :param cluster_name: the EKS cluster's name.
        :param kubectl_provider_service_token: the service token of the cluster's kubectl
            provider (``kubectl_provider_service_token`` of the original platform).
        :param open_id_connect_provider_arn: the cluster's IAM OIDC provider (IRSA job roles).
        :param placement: where Spark drivers and executors run (``auto_mode_placement()``,
            ``node_group_placement("on-demand")`` or the original's ``placement``).
        :param kubectl_role: the kubectl provider's role. Default: - none.
        :param vpc: the cluster's VPC. Default: - unknown.
        :param job_bucket: the teams' bucket. Default: - none; teams pass their own.
        :param data_key: key of the teams' log groups. Default: - none; teams pass one.
        :param open_id_connect_issuer: the provider's issuer (``oidc.eks.<region>.amazonaws.com/
            id/<id>``) when the ARN is a cross-stack value. Default: - derived from the ARN.
        """
        return ImportedEmrEksPlatform(
            scope,
            construct_id,
            cluster_name=cluster_name,
            kubectl_provider_service_token=kubectl_provider_service_token,
            open_id_connect_provider_arn=open_id_connect_provider_arn,
            placement=placement,
            kubectl_role=kubectl_role,
            vpc=vpc,
            job_bucket=job_bucket,
            data_key=data_key,
            open_id_connect_issuer=open_id_connect_issuer,
        )

    @property
    def cluster(self) -> eks.ICluster:
        return as_icluster(self.eks_cluster)

    @property
    def open_id_connect_provider(self) -> iam.IOpenIdConnectProvider:
        return self.eks_cluster.open_id_connect_provider

    def open_id_connect_issuer_for(self, scope: Construct) -> str:
        """The OIDC issuer as a value ``scope``'s stack can use in an IRSA trust condition key.

        In the platform's own stack it is derived from the provider's ARN. Another stack gets one
        stack output holding the derived string, read with ``Fn::GetStackOutput``: deriving it
        there would put a stack output inside ``Fn::Split``, which CloudFormation does not list
        among the functions ``Fn::Split`` accepts (and cfn-lint rejects).
        """
        issuer = self.eks_cluster.open_id_connect_provider.open_id_connect_provider_issuer
        own = cdk.Stack.of(self)
        consumer = cdk.Stack.of(scope)
        if consumer.node.path == own.node.path:
            return issuer
        if self._issuer_output is None:
            self._issuer_output = cdk.CfnOutput(
                self, "OidcIssuer", value=issuer, description="OIDC issuer of the EKS cluster"
            )
        consumer.add_stack_dependency(own)
        return cdk.Token.as_string(
            {
                "Fn::GetStackOutput": {
                    "StackName": own.stack_name,
                    "Region": own.region,
                    "OutputName": own.get_logical_id(self._issuer_output),
                }
            }
        )

    @property
    def kubectl_provider_service_token(self) -> str:
        """The kubectl provider's service token, for :meth:`from_platform_attributes` elsewhere."""
        provider = self.eks_cluster.kubectl_provider
        assert provider is not None
        return provider.service_token

    def namespace_problem(self, namespace: str) -> str | None:
        """Why ``namespace`` cannot be created on this platform (another construct owns it)."""
        return registry_problem(self._namespaces, namespace, "namespace")

    def register_namespace(self, namespace: str, owner: Construct) -> None:
        """Record that ``owner`` creates ``namespace`` (see :meth:`namespace_problem`)."""
        register(self._namespaces, namespace, owner, "namespace")

    def virtual_cluster_problem(self, namespace: str) -> str | None:
        """Why a virtual cluster cannot go on ``namespace`` (EMR allows one per namespace)."""
        return registry_problem(self._virtual_clusters, namespace, "virtual cluster")

    def register_virtual_cluster(self, namespace: str, owner: Construct) -> None:
        register(self._virtual_clusters, namespace, owner, "virtual cluster")

    @property
    def cluster_name(self) -> str:
        return self.eks_cluster.cluster_name

    @property
    def ready(self) -> Sequence[IDependable]:
        """What must exist before a virtual cluster: the cluster, its access entries, compute."""
        parts: list[IDependable] = [self.eks_cluster]
        if self.compute_manifest is not None:
            parts.append(self.compute_manifest)
        if self.node_group is not None:
            parts.append(self.node_group)
        return parts

    def _auto_mode_node_role(self) -> iam.IRole:
        """The EC2 role of Auto Mode nodes, with the two AWS-managed policies EKS documents."""
        node_role = iam.Role(
            self,
            "NodeRole",
            assumed_by=iam.ServicePrincipal("ec2.amazonaws.com"),
            description=f"EC2 instances of the EKS Auto Mode nodes of {self.node.path}",
            managed_policies=[
                iam.ManagedPolicy.from_aws_managed_policy_name("AmazonEKSWorkerNodeMinimalPolicy"),
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
        return node_role

    def _new_cluster(
        self,
        kubernetes_version: str,
        public_endpoint_cidrs: Sequence[str],
        cluster_name: str | None,
    ) -> eks.Cluster:
        endpoint = (
            eks.EndpointAccess.PUBLIC_AND_PRIVATE.only_from(*list(public_endpoint_cidrs))
            if public_endpoint_cidrs
            else eks.EndpointAccess.PRIVATE
        )
        private_subnets = [ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS)]
        auto_mode = self.node_role is not None
        compute_config = (
            eks.ComputeConfig(node_pools=["system", "general-purpose"], node_role=self.node_role)
            if auto_mode
            else None
        )
        return eks.Cluster(
            self,
            "Cluster",
            version=eks.KubernetesVersion.of(kubernetes_version),
            cluster_name=cluster_name,
            vpc=self.vpc,
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

    def _auto_mode_pools(self, compute: AutoModeCompute) -> eks.KubernetesManifest:
        """The Spark NodeClass and the driver and executor NodePools."""
        assert self.node_role is not None
        return eks.KubernetesManifest(
            self,
            "SparkNodePools",
            cluster=self.cluster,
            manifest=[
                node_class_manifest(
                    role_name=self.node_role.role_name,
                    subnet_ids=self.vpc.select_subnets(
                        subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS
                    ).subnet_ids,
                    security_group_ids=[self.eks_cluster.cluster_security_group_id],
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

    def _node_group(self, compute: NodeGroupCompute) -> eks.Nodegroup:
        """The managed node group of fixed mode, and the Pod Identity agent it needs."""
        node_group = eks.Nodegroup(
            self,
            "NodeGroup",
            cluster=self.cluster,
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
            subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS),
        )
        _nag.acknowledge(
            node_group,
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
            cluster=self.cluster,
            addon_name="eks-pod-identity-agent",
        )

        return node_group

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
        cluster_role = self.eks_cluster.role
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
        provider = self.eks_cluster.kubectl_provider
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
    scope: Construct,
    construct_id: str,
    *,
    vpc: ec2.IVpc,
    kubernetes_version: str,
    compute: AutoModeCompute | NodeGroupCompute,
    public_endpoint_cidrs: Sequence[str],
    optional: dict[str, tuple[object, tuple[str, str]]],
    cluster_name: str | None,
    removal_policy: cdk.RemovalPolicy | None,
) -> None:
    check = Checker(scope, construct_id, "EmrEksPlatform")
    for prop, (value, (example, member)) in optional.items():
        if value is not None:
            check.rule(prop, value, rules.interface(example, member))
    if cluster_name is not None:
        check.rule("cluster_name", cluster_name, rules.eks_cluster_name)
    if removal_policy is not None and not isinstance(removal_policy, cdk.RemovalPolicy):
        check.add("removal_policy", removal_policy, "pass a cdk.RemovalPolicy member or None")
    if check.rule("vpc", vpc, rules.interface("an ec2.IVpc such as network.vpc", "vpc_id")):
        _check_private_subnets(check, vpc)
    check.rule("kubernetes_version", kubernetes_version, rules.kubernetes_version)
    if isinstance(compute, (AutoModeCompute, NodeGroupCompute)):
        compute.check(check)
    else:
        check.add(
            "compute",
            compute,
            "pass AutoModeCompute(...) (elastic) or NodeGroupCompute(...) (fixed)",
        )
    if check.rule(
        "public_endpoint_cidrs", public_endpoint_cidrs, rules.string_list("203.0.113.0/24")
    ):
        check.each("public_endpoint_cidrs", public_endpoint_cidrs, rules.allow_list_cidr)
        check.rule("public_endpoint_cidrs", list(public_endpoint_cidrs), rules.distinct)
    check.raise_if_any()


def _check_private_subnets(check: Checker, vpc: ec2.IVpc) -> None:
    """The cluster and nodes go in private subnets with egress: an imported VPC must have them."""
    try:
        subnets = vpc.select_subnets(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS).subnets
    except Exception as err:  # jsii raises a plain Error for a VPC without that subnet group
        check.add(
            "vpc",
            vpc.node.path,
            f"the VPC has no private subnets with egress ({err}); "
            "use a VPC with PRIVATE_WITH_EGRESS subnets such as Network(...).vpc",
        )
        return
    if len(subnets) < 2:
        check.add(
            "vpc",
            vpc.node.path,
            "EKS needs private subnets with egress in at least two availability zones",
        )
