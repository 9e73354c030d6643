"""EMR on EKS teams: namespace, virtual cluster, job execution role, job template, submit rights."""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import jsii
from aws_cdk import aws_eks_v2 as eks
from aws_cdk import aws_emrcontainers as emrc
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_assets as s3_assets
from constructs import Construct, IValidation

from emr_burst.core import nag as _nag
from emr_burst.core.iam import ManagedPolicyRole
from emr_burst.core.removal import data_removal_policy
from emr_burst.emr_eks import naming
from emr_burst.emr_eks.platform import EmrEksPlatform, SparkPlacement, as_icluster

DEFAULT_RELEASE_LABEL = "emr-7.9.0-latest"
#: EMR on EKS release labels: ``emr-<major>.<minor>.<patch>-latest`` or ``-<yyyymmdd>``.
_RELEASE_RE = re.compile(r"^emr-(?P<major>\d+)\.(?P<minor>\d+)\.(?P<patch>\d+)-(latest|\d{8})$")
#: EKS Pod Identity for job execution roles works from this release on.
POD_IDENTITY_MIN_RELEASE = (7, 3)
IRSA = "irsa"
POD_IDENTITY = "pod-identity"
IDENTITY_MODES = (IRSA, POD_IDENTITY)
_QUANTITY_RE = re.compile(r"^\d+(\.\d+)?(m|k|M|G|T|Ki|Mi|Gi|Ti)?$")
_VC_NAME_RE = re.compile(r"^[.\-_/#A-Za-z0-9]{1,64}$")
_DURATION_RE = re.compile(r"^\d+(ms|s|m|h)$")
_MAX_SPARK_PROPERTIES = 100
_MAX_PROPERTY_CHARS = 1024
_TEMPLATE_PARAM_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")

_GLUE_READ = (
    "glue:GetDatabase",
    "glue:GetDatabases",
    "glue:GetTable",
    "glue:GetTables",
    "glue:GetPartition",
    "glue:GetPartitions",
    "glue:BatchGetPartition",
)
_GLUE_WRITE = (
    "glue:CreateTable",
    "glue:UpdateTable",
    "glue:DeleteTable",
    "glue:CreatePartition",
    "glue:BatchCreatePartition",
    "glue:UpdatePartition",
    "glue:DeletePartition",
    "glue:BatchDeletePartition",
)


def release_version(label: str) -> tuple[int, int] | None:
    match = _RELEASE_RE.match(label)
    return (int(match["major"]), int(match["minor"])) if match else None


# --- Kubernetes objects ------------------------------------------------------------------------


@dataclass(frozen=True)
class NamespaceQuota:
    """A ResourceQuota for a team namespace (Kubernetes quantities such as ``"24"``, ``"96Gi"``).

    :param requests_cpu: Default: - no limit. :param requests_memory: Default: - no limit.
    :param limits_cpu: Default: - no limit. :param limits_memory: Default: - no limit.
    :param pods: Default: - no limit.
    """

    requests_cpu: str | None = None
    requests_memory: str | None = None
    limits_cpu: str | None = None
    limits_memory: str | None = None
    pods: str | None = None

    def hard(self) -> dict[str, str]:
        values = {
            "requests.cpu": self.requests_cpu,
            "requests.memory": self.requests_memory,
            "limits.cpu": self.limits_cpu,
            "limits.memory": self.limits_memory,
            "pods": self.pods,
        }
        return {key: value for key, value in values.items() if value is not None}


@dataclass(frozen=True)
class ContainerLimits:
    """A LimitRange for containers of a team namespace: defaults for pods that set none.

    :param default_request_cpu: Default: - none. :param default_request_memory: Default: - none.
    :param default_cpu: default CPU limit. Default: - none.
    :param default_memory: default memory limit. Default: - none.
    """

    default_request_cpu: str | None = None
    default_request_memory: str | None = None
    default_cpu: str | None = None
    default_memory: str | None = None


def namespace_manifest(
    namespace: str,
    labels: Mapping[str, str],
    quota: NamespaceQuota | None,
    limits: ContainerLimits | None,
) -> list[dict[str, Any]]:
    """The team's Namespace, plus its ResourceQuota and LimitRange when given."""
    objects: list[dict[str, Any]] = [
        {
            "apiVersion": "v1",
            "kind": "Namespace",
            "metadata": {
                "name": namespace,
                "labels": {
                    "app.kubernetes.io/managed-by": "emr-burst",
                    "emr-burst.io/team": namespace,
                    **labels,
                },
            },
        }
    ]
    if quota is not None:
        objects.append(
            {
                "apiVersion": "v1",
                "kind": "ResourceQuota",
                "metadata": {"name": "emr-burst-quota", "namespace": namespace},
                "spec": {"hard": quota.hard()},
            }
        )
    if limits is not None:
        limit: dict[str, Any] = {"type": "Container"}
        default = {
            k: v
            for k, v in {"cpu": limits.default_cpu, "memory": limits.default_memory}.items()
            if v is not None
        }
        request = {
            k: v
            for k, v in {
                "cpu": limits.default_request_cpu,
                "memory": limits.default_request_memory,
            }.items()
            if v is not None
        }
        if default:
            limit["default"] = default
        if request:
            limit["defaultRequest"] = request
        objects.append(
            {
                "apiVersion": "v1",
                "kind": "LimitRange",
                "metadata": {"name": "emr-burst-limits", "namespace": namespace},
                "spec": {"limits": [limit]},
            }
        )
    return objects


def pod_template(
    container_name: str,
    node_selector: Mapping[str, str],
    tolerations: Sequence[Mapping[str, str]],
) -> dict[str, Any]:
    """A Spark pod template that pins the pod to its node pool."""
    spec: dict[str, Any] = {"containers": [{"name": container_name}]}
    if node_selector:
        spec["nodeSelector"] = dict(node_selector)
    if tolerations:
        spec["tolerations"] = [dict(t) for t in tolerations]
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": container_name}, "spec": spec}


def driver_pod_template(placement: SparkPlacement) -> dict[str, Any]:
    return pod_template(
        "spark-kubernetes-driver", placement.driver_node_selector, placement.driver_tolerations
    )


def executor_pod_template(placement: SparkPlacement) -> dict[str, Any]:
    return pod_template(
        "spark-kubernetes-executor",
        placement.executor_node_selector,
        placement.executor_tolerations,
    )


# --- Spark defaults ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DynamicAllocation:
    """Spark dynamic allocation on Kubernetes: shuffle tracking instead of a shuffle service.

    The defaults are the values of the Spark-on-EMR talk the platform follows (seed 004), with the
    initial executors raised to the minimum because Spark never starts fewer than the minimum.

    :param min_executors: Default: - 5. :param max_executors: Default: - 17.
    :param initial_executors: Default: - 5.
    :param executor_idle_timeout: Default: - ``60s``.
    :param scheduler_backlog_timeout: Default: - ``5s``.
    :param sustained_scheduler_backlog_timeout: Default: - ``5s``.
    """

    min_executors: int = 5
    max_executors: int = 17
    initial_executors: int = 5
    executor_idle_timeout: str = "60s"
    scheduler_backlog_timeout: str = "5s"
    sustained_scheduler_backlog_timeout: str = "5s"

    def problems(self) -> list[str]:
        problems = []
        if not 0 <= self.min_executors <= self.initial_executors <= self.max_executors:
            problems.append(
                f"dynamic_allocation min {self.min_executors} / initial {self.initial_executors} "
                f"/ max {self.max_executors}: need 0 <= min <= initial <= max"
            )
        if self.max_executors < 1:
            problems.append(
                f"dynamic_allocation.max_executors {self.max_executors}: use at least 1"
            )
        for name in (
            "executor_idle_timeout",
            "scheduler_backlog_timeout",
            "sustained_scheduler_backlog_timeout",
        ):
            value = getattr(self, name)
            if not _DURATION_RE.match(value):
                problems.append(
                    f"dynamic_allocation.{name} {value!r}: use a duration such as '60s'"
                )
        return problems

    def spark_conf(self) -> dict[str, str]:
        return {
            "spark.dynamicAllocation.enabled": "true",
            "spark.dynamicAllocation.shuffleTracking.enabled": "true",
            "spark.dynamicAllocation.minExecutors": str(self.min_executors),
            "spark.dynamicAllocation.maxExecutors": str(self.max_executors),
            "spark.dynamicAllocation.initialExecutors": str(self.initial_executors),
            "spark.dynamicAllocation.executorIdleTimeout": self.executor_idle_timeout,
            "spark.dynamicAllocation.schedulerBacklogTimeout": self.scheduler_backlog_timeout,
            "spark.dynamicAllocation.sustainedSchedulerBacklogTimeout": (
                self.sustained_scheduler_backlog_timeout
            ),
        }


# --- Job execution role ------------------------------------------------------------------------


def irsa_trust_document(
    *, provider_arn: str, issuer: str, namespace: str, account: str, role_name: str
) -> dict[str, Any]:
    """EMR's IRSA trust for a job role: only the role's EMR service accounts in ``namespace``."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Federated": provider_arn},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {
                    "StringLike": {
                        f"{issuer}:sub": naming.service_account_pattern(
                            namespace, account, role_name
                        )
                    },
                    "StringEquals": {f"{issuer}:aud": "sts.amazonaws.com"},
                },
            }
        ],
    }


@jsii.implements(iam.IGrantable)
class JobExecutionRole(Construct):
    """The IAM role EMR on EKS jobs of one namespace run as.

    With ``identity="irsa"`` (default) the trust is EMR's exact pattern: the cluster's OIDC
    provider, ``<issuer>:sub`` like
    ``system:serviceaccount:<namespace>:emr-containers-sa-*-*-<account>-<base36 of role name>`` and
    ``<issuer>:aud`` equal to ``sts.amazonaws.com``. The role name is therefore literal and
    checked at synth time. The trust document is written as a JSON string so that the issuer, a
    deploy-time value, can sit in a condition key without a Lambda-backed ``CfnJson``.
    With ``identity="pod-identity"`` (EMR 7.3+), the role trusts ``pods.eks.amazonaws.com`` and one
    EKS Pod Identity association per EMR service account binds it to the namespace.

    Permissions go into one customer-managed policy (``self.policy``), also those added by
    ``grant_*`` methods of other constructs: the construct is an ``IGrantable``, so
    ``bucket.grant_read(role)`` works on it directly.

    Example::

        role = JobExecutionRole(self, "JobRole",
            platform=platform, namespace="analytics", role_name="emr-burst-analytics-job")
        bucket.grant_read(role.role)

    :param platform: the platform whose cluster runs the jobs.
    :param namespace: the namespace of the jobs.
    :param role_name: literal IAM role name, at most 64 characters.
    :param identity: ``irsa`` or ``pod-identity``. Default: - ``irsa``.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        platform: EmrEksPlatform,
        namespace: str,
        role_name: str,
        identity: str = IRSA,
    ) -> None:
        problems = naming.namespace_problems(namespace) + naming.role_name_problems(role_name)
        if identity not in IDENTITY_MODES:
            problems.append(f"identity {identity!r}: choose one of {', '.join(IDENTITY_MODES)}")
        if problems:
            raise ValueError(f"JobExecutionRole '{construct_id}': " + "; ".join(problems))
        super().__init__(scope, construct_id)
        stack = cdk.Stack.of(self)
        self.namespace = namespace
        self.role_name = role_name
        self.identity = identity
        cluster = platform.cluster
        if identity == IRSA:
            provider = cluster.open_id_connect_provider
            principal: iam.IPrincipal = iam.WebIdentityPrincipal(
                provider.open_id_connect_provider_arn
            )
        else:
            principal = iam.SessionTagsPrincipal(iam.ServicePrincipal("pods.eks.amazonaws.com"))
        self.role = ManagedPolicyRole(
            self,
            "Resource",
            role_name=role_name,
            assumed_by=principal,
            description=f"EMR on EKS jobs in namespace {namespace}",
            max_session_duration=cdk.Duration.hours(12),
        )
        self.policy = self.role.policy
        if identity == IRSA:
            document = irsa_trust_document(
                provider_arn=provider.open_id_connect_provider_arn,
                issuer=provider.open_id_connect_provider_issuer,
                namespace=namespace,
                account=stack.account,
                role_name=role_name,
            )
            cfn_role = self.role.node.default_child
            assert isinstance(cfn_role, iam.CfnRole)
            # A JSON string (which AWS::IAM::Role accepts) lets the issuer token be a condition
            # key; CDK's alternative, CfnJson, deploys one more Lambda function.
            cfn_role.add_property_override(
                "AssumeRolePolicyDocument", stack.to_json_string(document)
            )
            self.associations: list[eks.CfnPodIdentityAssociation] = []
        else:
            self.associations = [
                eks.CfnPodIdentityAssociation(
                    self,
                    f"PodIdentity{component.capitalize()}",
                    cluster_name=cluster.cluster_name,
                    namespace=namespace,
                    service_account=service_account,
                    role_arn=self.role.role_arn,
                )
                for component, service_account in naming.service_account_names(
                    stack.account, role_name
                ).items()
            ]

    @property
    def role_arn(self) -> str:
        return self.role.role_arn

    @property
    def grant_principal(self) -> iam.IPrincipal:
        return self.role.grant_principal


# --- virtual cluster ---------------------------------------------------------------------------


class EmrVirtualCluster(Construct):
    """A team namespace (labels, optional quota and limits) and the EMR virtual cluster on it.

    ``CreateVirtualCluster`` gives EMR's service-linked role an access entry scoped to the
    namespace, so nothing here touches ``aws-auth`` or creates a service-linked role. The virtual
    cluster depends on the namespace and on the platform (cluster, access entries, compute): it is
    created after them and deleted before them, while EMR can still clean up its access entry.

    Example::

        vc = EmrVirtualCluster(self, "Analytics", platform=platform, namespace="analytics",
            quota=NamespaceQuota(requests_cpu="24", requests_memory="96Gi"))

    :param platform: the EKS platform.
    :param namespace: DNS-1123 name, not ``default`` or ``kube-*``.
    :param virtual_cluster_name: Default: - the namespace.
    :param labels: extra namespace labels. Default: - the managed-by and team labels only.
    :param quota: ResourceQuota of the namespace. Default: - none.
    :param limits: LimitRange of the namespace. Default: - none.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        platform: EmrEksPlatform,
        namespace: str,
        virtual_cluster_name: str | None = None,
        labels: Mapping[str, str] | None = None,
        quota: NamespaceQuota | None = None,
        limits: ContainerLimits | None = None,
    ) -> None:
        problems = naming.namespace_problems(namespace)
        taken = platform.namespace_problem(namespace)
        if taken:
            problems.append(taken)
        name = virtual_cluster_name or namespace
        if not _VC_NAME_RE.match(name):
            problems.append(f"virtual_cluster_name {name!r}: use 1-64 letters, digits and '.-_/#'")
        problems += _quota_problems(quota, limits)
        if problems:
            raise ValueError(f"EmrVirtualCluster '{construct_id}': " + "; ".join(problems))
        super().__init__(scope, construct_id)
        platform.register_namespace(namespace, self)
        self.namespace = namespace
        self.platform = platform
        self.namespace_manifest = eks.KubernetesManifest(
            self,
            "Namespace",
            cluster=as_icluster(platform.cluster),
            manifest=namespace_manifest(namespace, dict(labels or {}), quota, limits),
        )
        self.resource = emrc.CfnVirtualCluster(
            self,
            "Resource",
            name=name,
            container_provider=emrc.CfnVirtualCluster.ContainerProviderProperty(
                id=platform.cluster.cluster_name,
                type="EKS",
                info=emrc.CfnVirtualCluster.ContainerInfoProperty(
                    eks_info=emrc.CfnVirtualCluster.EksInfoProperty(namespace=namespace)
                ),
            ),
        )
        self.resource.node.add_dependency(self.namespace_manifest, *platform.ready)

    @property
    def virtual_cluster_arn(self) -> str:
        return self.resource.attr_arn

    @property
    def virtual_cluster_id(self) -> str:
        return self.resource.attr_id


def _quota_problems(quota: NamespaceQuota | None, limits: ContainerLimits | None) -> list[str]:
    problems = []
    values: dict[str, str | None] = {}
    if quota is not None:
        values |= {f"quota.{k}": v for k, v in vars(quota).items()}
        if not quota.hard():
            problems.append("quota sets no limit; give at least one value or pass quota=None")
    if limits is not None:
        values |= {f"limits.{k}": v for k, v in vars(limits).items()}
    for key, value in values.items():
        if value is not None and not _QUANTITY_RE.match(value):
            problems.append(
                f"{key} {value!r} is not a Kubernetes quantity; use e.g. '24', '500m' or '96Gi'"
            )
    if quota is not None:
        for resource in ("cpu", "memory"):
            if getattr(quota, f"limits_{resource}") is not None and (
                limits is None or getattr(limits, f"default_{resource}") is None
            ):
                problems.append(
                    f"quota.limits_{resource} makes every pod declare a {resource} limit, which "
                    f"Spark pods may not; set limits=ContainerLimits(default_{resource}=...)"
                )
    return problems


# --- the team ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class GlueAccess:
    """Glue Data Catalog databases a team may use.

    :param databases: database names. :param write: allow table and partition changes.
        Default: - read only.
    """

    databases: Sequence[str] = ()
    write: bool = False


class SparkTeam(Construct):
    """One team on the platform: virtual cluster, job execution role, log group, job template.

    The role may read ``<namespace>/scripts/`` and ``<namespace>/data/`` and write
    ``<namespace>/data/`` and ``<namespace>/logs/`` in the bucket, write its own log group, and use
    the Glue databases configured. The job template pins the EMR release, enables Spark dynamic
    allocation with shuffle tracking, sends logs to S3 and to the KMS-encrypted log group, keeps
    the persistent application UI and places drivers and executors with pod templates stored as
    CDK assets in S3. Later capabilities add Spark settings through :meth:`add_spark_conf`.

    Example::

        team = SparkTeam(self, "Analytics", platform=platform, namespace="analytics",
            role_name="emr-burst-analytics-job", bucket=bucket)
        team.grant_start_job_run(submitter_role)
        team.add_spark_conf({"spark.kubernetes.driver.annotation.yunikorn.apache.org/queue":
                             "root.analytics"})

    :param platform: the EKS platform.
    :param namespace: the team's namespace.
    :param bucket: bucket of scripts, data and logs. Default: - the platform's job bucket.
    :param role_name: literal job execution role name. Default: - ``<stack name>-<namespace>-job``.
    :param identity: ``irsa`` or ``pod-identity`` (EMR 7.3+). Default: - ``irsa``.
    :param release_label: EMR 7.x release label. Default: - ``emr-7.9.0-latest``.
    :param dynamic_allocation: Spark dynamic allocation. Default: - ``DynamicAllocation()``.
    :param glue: Glue catalog access. Default: - none.
    :param quota: / :param limits: / :param labels: as in :class:`EmrVirtualCluster`.
    :param argument_parameters: job template parameters passed, in order, as the entry point's
        arguments. Default: - none.
    :param log_retention: retention of the team's log group. Default: - one year.
    :param encryption_key: key of the log group. Default: - the platform's data key.
    :param removal_policy: for the log group. Default: - RETAIN.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        platform: EmrEksPlatform,
        namespace: str,
        bucket: s3.IBucket | None = None,
        role_name: str | None = None,
        identity: str = IRSA,
        release_label: str = DEFAULT_RELEASE_LABEL,
        dynamic_allocation: DynamicAllocation | None = None,
        glue: GlueAccess | None = None,
        quota: NamespaceQuota | None = None,
        limits: ContainerLimits | None = None,
        labels: Mapping[str, str] | None = None,
        argument_parameters: Sequence[str] = (),
        log_retention: logs.RetentionDays = logs.RetentionDays.ONE_YEAR,
        encryption_key: kms.IKey | None = None,
        removal_policy: cdk.RemovalPolicy | None = None,
    ) -> None:
        stack = cdk.Stack.of(scope)
        role_name = role_name if role_name is not None else f"{stack.stack_name}-{namespace}-job"
        dynamic_allocation = dynamic_allocation or DynamicAllocation()
        glue = glue or GlueAccess()
        problems = naming.namespace_problems(namespace) + naming.role_name_problems(role_name)
        taken = platform.namespace_problem(namespace)
        if taken:
            problems.append(taken)
        problems += _quota_problems(quota, limits)
        problems += dynamic_allocation.problems()
        version = release_version(release_label)
        if version is None or version[0] != 7:
            problems.append(
                f"release_label {release_label!r}: pin an EMR 7.x release such as "
                f"'{DEFAULT_RELEASE_LABEL}'"
            )
        elif identity == POD_IDENTITY and version < POD_IDENTITY_MIN_RELEASE:
            problems.append(
                f"identity 'pod-identity' needs emr-7.3.0 or later, not {release_label!r}; use "
                "identity='irsa' or a later release"
            )
        if identity not in IDENTITY_MODES:
            problems.append(f"identity {identity!r}: choose one of {', '.join(IDENTITY_MODES)}")
        bad_params = [p for p in argument_parameters if not _TEMPLATE_PARAM_RE.match(p)]
        if bad_params or len(set(argument_parameters)) != len(argument_parameters):
            problems.append(
                f"argument_parameters {list(argument_parameters)!r}: use distinct names of "
                "letters, digits and '_' starting with a letter"
            )
        if "EntryPoint" in argument_parameters:
            problems.append("argument_parameters may not reuse the name 'EntryPoint'")
        bad_dbs = [d for d in glue.databases if not re.fullmatch(r"[a-z0-9_]{1,255}", d)]
        if bad_dbs:
            problems.append(
                f"glue.databases {bad_dbs!r}: Glue database names are lowercase letters, digits "
                "and '_'"
            )
        if problems:
            raise ValueError(f"SparkTeam '{construct_id}': " + "; ".join(problems))
        super().__init__(scope, construct_id)
        self.namespace = namespace
        self.platform = platform
        self.release_label = release_label
        self.bucket = bucket or platform.job_bucket
        self.prefix = f"{namespace}/"
        removal = data_removal_policy(self, removal_policy)

        self.virtual_cluster = EmrVirtualCluster(
            self,
            "VirtualCluster",
            platform=platform,
            namespace=namespace,
            labels=labels,
            quota=quota,
            limits=limits,
        )
        self.execution_role = JobExecutionRole(
            self,
            "ExecutionRole",
            platform=platform,
            namespace=namespace,
            role_name=role_name,
            identity=identity,
        )
        self.log_group = logs.LogGroup(
            self,
            "LogGroup",
            retention=log_retention,
            encryption_key=encryption_key or platform.data_key,
            removal_policy=removal,
        )
        self._grant_job_permissions(glue)

        self.driver_pod_template = _pod_template_asset(
            self, "DriverPodTemplate", driver_pod_template(platform.placement)
        )
        self.executor_pod_template = _pod_template_asset(
            self, "ExecutorPodTemplate", executor_pod_template(platform.placement)
        )
        # Exactly the two template objects, not the whole CDK assets bucket `grant_read` allows.
        self.execution_role.role.add_to_principal_policy(
            iam.PolicyStatement(
                sid="ReadPodTemplates",
                actions=["s3:GetObject"],
                resources=[
                    asset.bucket.arn_for_objects(asset.s3_object_key)
                    for asset in (self.driver_pod_template, self.executor_pod_template)
                ],
            )
        )

        self._spark_conf: dict[str, str] = {
            **dynamic_allocation.spark_conf(),
            "spark.kubernetes.driver.podTemplateFile": self.driver_pod_template.s3_object_url,
            "spark.kubernetes.executor.podTemplateFile": self.executor_pod_template.s3_object_url,
        }
        self.node.add_validation(_SparkConfLimits(self._spark_conf))
        self._argument_parameters = tuple(argument_parameters)
        self.job_template = emrc.CfnJobTemplate(
            self,
            "JobTemplate",
            name=f"{stack.stack_name}-{namespace}"[:128],
            job_template_data=self._job_template_data(),
        )

    def _job_template_data(self) -> emrc.CfnJobTemplate.JobTemplateDataProperty:
        """The StartJobRun values of the template, rendered from the current Spark settings."""
        template = emrc.CfnJobTemplate
        parameters = {
            name: template.TemplateParameterConfigurationProperty(type="STRING")
            for name in ("EntryPoint", *self._argument_parameters)
        }
        monitoring = template.ParametricMonitoringConfigurationProperty(
            persistent_app_ui="ENABLED",
            cloud_watch_monitoring_configuration=(
                template.ParametricCloudWatchMonitoringConfigurationProperty(
                    log_group_name=self.log_group.log_group_name,
                    log_stream_name_prefix=self.namespace,
                )
            ),
            s3_monitoring_configuration=template.ParametricS3MonitoringConfigurationProperty(
                log_uri=self.bucket.s3_url_for_object(f"{self.namespace}/logs/"),
            ),
        )
        return template.JobTemplateDataProperty(
            execution_role_arn=self.execution_role.role_arn,
            release_label=self.release_label,
            job_driver=template.JobDriverProperty(
                spark_submit_job_driver=template.SparkSubmitJobDriverProperty(
                    entry_point="${EntryPoint}",
                    entry_point_arguments=(
                        [f"${{{name}}}" for name in self._argument_parameters] or None
                    ),
                )
            ),
            parameter_configuration=parameters,
            configuration_overrides=template.ParametricConfigurationOverridesProperty(
                application_configuration=[
                    template.ConfigurationProperty(
                        classification="spark-defaults",
                        properties=dict(sorted(self._spark_conf.items())),
                    )
                ],
                monitoring_configuration=monitoring,
            ),
            job_tags={"emr-burst:team": self.namespace},
        )

    # --- wiring ---------------------------------------------------------------------------

    @property
    def virtual_cluster_arn(self) -> str:
        return self.virtual_cluster.virtual_cluster_arn

    @property
    def spark_conf(self) -> Mapping[str, str]:
        """The job template's ``spark-defaults`` so far (read-only view)."""
        return dict(self._spark_conf)

    def add_spark_conf(self, properties: Mapping[str, str], *, overwrite: bool = False) -> None:
        """Add Spark properties to the job template (event logs, scheduler queue, metastore...).

        A key already set to a different value raises ``ValueError`` unless ``overwrite``.
        """
        problems = []
        for key, value in properties.items():
            if not key or not isinstance(value, str) or not value.strip():
                problems.append(f"{key!r}: Spark properties need a non-empty key and string value")
            elif key in self._spark_conf and self._spark_conf[key] != value and not overwrite:
                problems.append(
                    f"{key!r} is already {self._spark_conf[key]!r}; pass overwrite=True to "
                    f"replace it with {value!r}"
                )
        if problems:
            raise ValueError(f"SparkTeam '{self.node.id}'.add_spark_conf: " + "; ".join(problems))
        self._spark_conf.update(properties)
        self.job_template.job_template_data = self._job_template_data()

    def grant_start_job_run(self, grantee: iam.IGrantable) -> iam.Grant:
        """Let ``grantee`` start, watch and cancel jobs on this team's virtual cluster.

        ``StartJobRun`` is allowed only with the team's job execution role
        (``emr-containers:ExecutionRoleArn``); the job template may be read.
        """
        arn = self.virtual_cluster_arn
        start = iam.Grant.add_to_principal(
            grantee=grantee,
            actions=["emr-containers:StartJobRun"],
            resource_arns=[arn],
            conditions={
                "StringEquals": {"emr-containers:ExecutionRoleArn": self.execution_role.role_arn}
            },
        )
        runs = iam.Grant.add_to_principal(
            grantee=grantee,
            actions=[
                "emr-containers:DescribeJobRun",
                "emr-containers:ListJobRuns",
                "emr-containers:CancelJobRun",
            ],
            resource_arns=[arn, f"{arn}/jobruns/*"],
        )
        template = iam.Grant.add_to_principal(
            grantee=grantee,
            actions=["emr-containers:DescribeJobTemplate"],
            resource_arns=[self.job_template.attr_arn],
        )
        if isinstance(grantee, Construct):
            _nag.acknowledge(
                grantee,
                "Job run ids exist only after StartJobRun, so describing and cancelling them "
                "needs the job-runs wildcard below this one virtual cluster.",
                "AwsSolutions-IAM5",
                applies_to=[f"Resource::{_nag.target(grantee, arn)}/jobruns/*"],
            )
        return start.combine(runs).combine(template)

    def _grant_job_permissions(self, glue: GlueAccess) -> None:
        role = self.execution_role.role
        ns = self.namespace
        bucket = self.bucket
        stack = cdk.Stack.of(self)
        statements = [
            iam.PolicyStatement(
                sid="ListTeamPrefix",
                actions=["s3:ListBucket"],
                resources=[bucket.bucket_arn],
                conditions={"StringLike": {"s3:prefix": [f"{ns}/*", f"{ns}/"]}},
            ),
            iam.PolicyStatement(
                sid="ReadScriptsAndData",
                actions=["s3:GetObject"],
                resources=[
                    bucket.arn_for_objects(f"{ns}/scripts/*"),
                    bucket.arn_for_objects(f"{ns}/data/*"),
                ],
            ),
            iam.PolicyStatement(
                sid="WriteDataAndLogs",
                actions=["s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"],
                resources=[
                    bucket.arn_for_objects(f"{ns}/data/*"),
                    bucket.arn_for_objects(f"{ns}/logs/*"),
                ],
            ),
            iam.PolicyStatement(
                sid="WriteTeamLogGroup",
                actions=["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                resources=[self.log_group.log_group_arn],
            ),
            iam.PolicyStatement(
                sid="FindLogGroups",
                actions=["logs:DescribeLogGroups"],
                resources=[
                    stack.format_arn(
                        service="logs",
                        resource="log-group",
                        resource_name="*",
                        arn_format=cdk.ArnFormat.COLON_RESOURCE_NAME,
                    )
                ],
            ),
        ]
        if bucket.encryption_key is not None:
            statements.append(
                iam.PolicyStatement(
                    sid="UseBucketKey",
                    actions=["kms:Decrypt", "kms:GenerateDataKey"],
                    resources=[bucket.encryption_key.key_arn],
                    conditions={
                        "StringEquals": {"kms:ViaService": f"s3.{stack.region}.amazonaws.com"}
                    },
                )
            )
        if glue.databases:
            actions = list(_GLUE_READ) + (list(_GLUE_WRITE) if glue.write else [])
            catalog = stack.format_arn(service="glue", resource="catalog")
            resources = [catalog]
            for database in sorted({"default", *glue.databases}):
                resources.append(
                    stack.format_arn(service="glue", resource="database", resource_name=database)
                )
            for database in sorted(set(glue.databases)):
                resources.append(
                    stack.format_arn(
                        service="glue", resource="table", resource_name=f"{database}/*"
                    )
                )
            statements.append(
                iam.PolicyStatement(sid="GlueCatalog", actions=actions, resources=resources)
            )
        for statement in statements:
            role.add_to_principal_policy(statement)
        _nag.acknowledge(
            role,
            f"The job role reaches only objects under its team's own prefixes ({ns}/scripts, "
            f"{ns}/data, {ns}/logs) of the job bucket; Spark reads and writes object names it "
            "only learns at run time.",
            "AwsSolutions-IAM5",
            applies_to=[
                f"Resource::{_nag.target(role, bucket.arn_for_objects(f'{ns}/{part}/*'))}"
                for part in ("scripts", "data", "logs")
            ],
        )
        _nag.acknowledge(
            role,
            "logs:DescribeLogGroups has no resource-level scope below log-group:*; EMR calls it "
            "to find the team's log group before its log pusher writes there.",
            "AwsSolutions-IAM5",
            applies_to=[f"Resource::{_nag.target(role, statements[4].resources[0])}"],
        )
        if glue.databases:
            _nag.acknowledge(
                role,
                "Spark lists and reads the tables of the team's configured Glue databases; the "
                "wildcard is the tables of those named databases only.",
                "AwsSolutions-IAM5",
                applies_to=[
                    "Resource::"
                    + _nag.target(
                        role,
                        stack.format_arn(
                            service="glue", resource="table", resource_name=f"{database}/*"
                        ),
                    )
                    for database in sorted(set(glue.databases))
                ],
            )


@jsii.implements(IValidation)
class _SparkConfLimits:
    """EMR accepts at most 100 ``spark-defaults`` properties of at most 1024 characters each."""

    def __init__(self, conf: Mapping[str, str]) -> None:
        self._conf = conf

    def validate(self) -> list[str]:
        problems = []
        if len(self._conf) > _MAX_SPARK_PROPERTIES:
            problems.append(
                f"the job template has {len(self._conf)} spark-defaults properties; EMR accepts "
                f"at most {_MAX_SPARK_PROPERTIES}"
            )
        long = [
            k
            for k, v in self._conf.items()
            if not cdk.Token.is_unresolved(v) and len(v) > _MAX_PROPERTY_CHARS
        ]
        if long:
            problems.append(
                f"spark-defaults values longer than {_MAX_PROPERTY_CHARS} characters: {long}"
            )
        return problems


def _pod_template_asset(
    scope: Construct, construct_id: str, template: Mapping[str, Any]
) -> s3_assets.Asset:
    """Upload a pod template as a CDK file asset: no Lambda, content-addressed, hermetic."""
    directory = Path(tempfile.mkdtemp(prefix="emr-burst-pod-template-"))
    path = directory / "pod-template.yaml"
    # JSON is YAML: Spark reads the file with its YAML parser.
    path.write_text(json.dumps(template, indent=2, sort_keys=True) + "\n")
    return s3_assets.Asset(scope, construct_id, path=str(path))
