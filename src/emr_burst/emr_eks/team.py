"""Spark teams on EMR on EKS: namespace, virtual cluster, job roles, job templates, extensions.

A :class:`SparkTeam` is the unit a capability attaches to: ``team.add_extension(x)`` applies what
``x`` contributes to every job template of the team and every job role they use (see
:mod:`emr_burst.emr_eks.extension`). The team holds one default job execution role and job
template; more roles and templates may share its namespace and virtual cluster.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_eks_v2 as eks
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from constructs import Construct

from emr_burst.core import nag as _nag
from emr_burst.core import rules, versions
from emr_burst.core.errors import Checker
from emr_burst.core.removal import data_removal_policy
from emr_burst.emr_eks.classification import Classification
from emr_burst.emr_eks.extension import Contribution, describe
from emr_burst.emr_eks.imported import check_platform
from emr_burst.emr_eks.job_access import GlueAccess, grant_team_access
from emr_burst.emr_eks.job_role import Identity, JobExecutionRole
from emr_burst.emr_eks.job_settings import JobSettings
from emr_burst.emr_eks.job_template import JobDriver, JobTemplate, apply_to_role
from emr_burst.emr_eks.namespace import ContainerLimits, NamespaceQuota, check_namespace_props
from emr_burst.emr_eks.platform import IEmrEksPlatform
from emr_burst.emr_eks.pod_template import PodTemplate
from emr_burst.emr_eks.virtual_cluster import EmrVirtualCluster

DEFAULT_RELEASE_LABEL = versions.DEFAULT_EMR_EKS_RELEASE
POD_IDENTITY_MIN_RELEASE = versions.POD_IDENTITY_MIN_RELEASE
#: CPU request of EMR's logging sidecar (EMR sets a memory request of 512Mi but no CPU request).
LOGGING_CPU_REQUEST = "100m"
_TEMPLATE_PARAM_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


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

    def check(self, check: Checker, prop: str = "dynamic_allocation") -> None:
        counts_ok = True
        for name in ("min_executors", "initial_executors", "max_executors"):
            counts_ok = (
                check.rule(f"{prop}.{name}", getattr(self, name), rules.integer(0, 100_000))
                and counts_ok
            )
        if counts_ok:
            if self.max_executors < 1:
                check.add(f"{prop}.max_executors", self.max_executors, "use at least 1")
            elif not self.min_executors <= self.initial_executors <= self.max_executors:
                check.add(
                    prop,
                    (self.min_executors, self.initial_executors, self.max_executors),
                    "need min_executors <= initial_executors <= max_executors",
                )
        for name in (
            "executor_idle_timeout",
            "scheduler_backlog_timeout",
            "sustained_scheduler_backlog_timeout",
        ):
            check.rule(f"{prop}.{name}", getattr(self, name), rules.spark_duration)

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


class SparkTeam(Construct):
    """One team on the platform: namespace, virtual cluster, job roles, log group, job templates.

    The default role may read ``<namespace>/scripts/`` and ``<namespace>/data/`` and write
    ``<namespace>/data/`` and ``<namespace>/logs/`` in the bucket, write the team's log group, and
    use the Glue databases configured. The default job template pins the EMR release, enables Spark
    dynamic allocation with shuffle tracking, sends logs to S3 and to the KMS-encrypted log group,
    keeps the persistent application UI and places drivers and executors with pod templates
    rendered into the cloud assembly. Capabilities attach through :meth:`add_extension`.

    Example::

        team = SparkTeam(self, "Analytics", platform=platform, namespace="analytics",
            role_name="emr-burst-analytics-job", bucket=bucket)
        team.grant_start_job_run(submitter_role)
        team.add_extension(event_logs)
        sql = team.add_job_template("Reports", job_driver=JobDriver.spark_sql())

    :param platform: the EKS platform (built here, in another stack, or imported).
    :param namespace: the team's namespace.
    :param bucket: bucket of scripts, data and logs. Default: - the platform's job bucket.
    :param role_name: literal job execution role name. Default: - ``<stack name>-<namespace>-job``.
    :param identity: ``Identity.IRSA`` or ``Identity.POD_IDENTITY`` (EMR 7.3+).
        Default: - ``Identity.IRSA``.
    :param release_label: EMR 7.x release label. Default: - ``emr-7.9.0-latest``.
    :param dynamic_allocation: Spark dynamic allocation. Default: - ``DynamicAllocation()``.
    :param glue: Glue catalog access. Default: - none.
    :param quota: / :param limits: / :param labels: of the namespace. Default: - none.
    :param argument_parameters: parameters of the default job template, passed in order as the
        entry point's arguments. Default: - none.
    :param job_driver: the default template's driver (overrides ``argument_parameters``).
        Default: - ``JobDriver.spark_submit`` with ``${EntryPoint}`` and the argument parameters.
    :param security_configuration_id: EMR on EKS security configuration of the virtual cluster.
        Default: - none.
    :param virtual_cluster_name: Default: - the namespace.
    :param logging_cpu_request: CPU request of EMR's logging container in driver and executor pods
        (``emr-containers-defaults`` ``logging.request.cores``; EMR sets none by default, which a
        namespace quota on ``requests.cpu`` refuses). Default: - ``100m``.
    :param log_retention: retention of the team's log group. Default: - one year.
    :param encryption_key: key of the log group. Default: - the platform's data key.
    :param removal_policy: for the log group. Default: - RETAIN.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        platform: IEmrEksPlatform,
        namespace: str,
        bucket: s3.IBucket | None = None,
        role_name: str | None = None,
        identity: Identity | str = Identity.IRSA,
        release_label: str = DEFAULT_RELEASE_LABEL,
        dynamic_allocation: DynamicAllocation | None = None,
        glue: GlueAccess | None = None,
        quota: NamespaceQuota | None = None,
        limits: ContainerLimits | None = None,
        labels: Mapping[str, str] | None = None,
        argument_parameters: Sequence[str] = (),
        job_driver: JobDriver | None = None,
        security_configuration_id: str | None = None,
        virtual_cluster_name: str | None = None,
        logging_cpu_request: str = LOGGING_CPU_REQUEST,
        log_retention: logs.RetentionDays = logs.RetentionDays.ONE_YEAR,
        encryption_key: kms.IKey | None = None,
        removal_policy: cdk.RemovalPolicy | None = None,
    ) -> None:
        stack = cdk.Stack.of(scope)
        role_name = role_name if role_name is not None else f"{stack.stack_name}-{namespace}-job"
        dynamic_allocation = dynamic_allocation or DynamicAllocation()
        glue = glue or GlueAccess()
        _validate(
            Checker(scope, construct_id, "SparkTeam"),
            platform=platform,
            namespace=namespace,
            bucket=bucket,
            role_name=role_name,
            identity=identity,
            release_label=release_label,
            dynamic_allocation=dynamic_allocation,
            glue=glue,
            quota=quota,
            limits=limits,
            labels=labels,
            argument_parameters=argument_parameters,
            log_retention=log_retention,
            encryption_key=encryption_key,
        )
        check = Checker(scope, construct_id, "SparkTeam")
        check.rule("logging_cpu_request", logging_cpu_request, rules.quantity)
        check.raise_if_any()
        super().__init__(scope, construct_id)
        self._namespace = namespace
        self._platform = platform
        self._release_label = release_label
        chosen = bucket or platform.job_bucket
        assert chosen is not None  # checked above
        self._bucket: s3.IBucket = chosen
        self.prefix = f"{namespace}/"
        self._templates: list[JobTemplate] = []
        self._contributions: list[Contribution] = []
        self._submitters: list[iam.IGrantable] = []
        self._manifest_count = 0
        self._settings = JobSettings(f"SparkTeam '{self.node.path}'", self._revalidate)

        self._virtual_cluster = EmrVirtualCluster(
            self,
            "VirtualCluster",
            platform=platform,
            namespace=namespace,
            labels=labels,
            quota=quota,
            limits=limits,
            security_configuration_id=security_configuration_id,
            virtual_cluster_name=virtual_cluster_name,
        )
        self.namespace_construct = self._virtual_cluster.namespace_construct
        self._execution_role = JobExecutionRole(
            self,
            "ExecutionRole",
            platform=platform,
            namespace=namespace,
            role_name=role_name,
            identity=identity,
        )
        self._log_group = logs.LogGroup(
            self,
            "LogGroup",
            retention=log_retention,
            encryption_key=encryption_key or platform.data_key,
            removal_policy=data_removal_policy(self, removal_policy),
        )
        grant_team_access(
            self._execution_role.role,
            namespace=namespace,
            bucket=self._bucket,
            log_group=self._log_group,
            glue=glue,
        )
        self.settings.add_spark_conf(
            dynamic_allocation.spark_conf(), source="SparkTeam dynamic_allocation"
        )
        self.settings.add_classification(
            Classification(
                "emr-containers-defaults", {"logging.request.cores": logging_cpu_request}
            ),
            source="SparkTeam logging_cpu_request",
        )
        self._job_template = JobTemplate(
            self,
            "JobTemplate",
            team=self,
            job_driver=job_driver
            or JobDriver.spark_submit(arguments=[f"${{{p}}}" for p in argument_parameters]),
            name=f"{stack.stack_name}-{namespace}"[:55],
        )

    # --- the ISparkTeam interface --------------------------------------------------------------

    @property
    def namespace(self) -> str:
        return self._namespace

    @property
    def platform(self) -> IEmrEksPlatform:
        return self._platform

    @property
    def virtual_cluster(self) -> EmrVirtualCluster:
        return self._virtual_cluster

    @property
    def settings(self) -> JobSettings:
        return self._settings

    @property
    def log_group(self) -> logs.ILogGroup:
        return self._log_group

    @property
    def bucket(self) -> s3.IBucket:
        return self._bucket

    @property
    def release_label(self) -> str:
        return self._release_label

    @property
    def execution_role(self) -> JobExecutionRole:
        return self._execution_role

    @property
    def job_template(self) -> JobTemplate:
        """The team's default job template."""
        return self._job_template

    @property
    def job_templates(self) -> tuple[JobTemplate, ...]:
        return tuple(self._templates)

    @property
    def virtual_cluster_arn(self) -> str:
        return self._virtual_cluster.virtual_cluster_arn

    @property
    def spark_conf(self) -> Mapping[str, str]:
        """The team's ``spark-defaults`` so far (read-only view; templates may add their own)."""
        return {k: v for k, (v, _) in self._settings.spark_conf.items()}

    @property
    def driver_pod_template(self) -> PodTemplate:
        """Changes to the driver pods of every job template of the team."""
        return self._settings.driver

    @property
    def executor_pod_template(self) -> PodTemplate:
        return self._settings.executor

    def register_job_template(self, template: JobTemplate) -> None:
        """Called by :class:`JobTemplate`: the team's extensions reach the template's role."""
        if template.role is not self._execution_role and not any(
            t.role is template.role for t in self._templates
        ):
            self.grant_job_logging(template.role)
            for contribution in self._contributions:
                apply_to_role(template.role, contribution)
        self._templates.append(template)
        for grantee in self._submitters:
            template.grant_start_job_run(grantee)

    # --- what the team's jobs carry ------------------------------------------------------------

    def add_spark_conf(self, properties: Mapping[str, str], *, overwrite: bool = False) -> None:
        """Add ``spark-defaults`` properties to every job template of the team.

        A key already set to a different value raises ``EmrBurstError`` unless ``overwrite``.
        """
        self._settings.add_spark_conf(properties, source="add_spark_conf", overwrite=overwrite)

    def add_classification(self, classification: Classification) -> None:
        """Add a configuration classification (``emr-job-submitter``, ...) to every template."""
        self._settings.add_classification(classification, source="add_classification")

    def add_extension(self, extension: Any) -> Contribution:
        """Bind a capability to the team: all its job templates and their job roles."""
        source = describe(extension)
        check = Checker(None, None, "", where=f"SparkTeam '{self.node.path}'")
        check.rule("extension", extension, rules.interface("an object with bind(target)", "bind"))
        check.raise_if_any()
        contribution = extension.bind(self)
        self._settings.apply(contribution, source=source)
        self._contributions.append(contribution)
        for role in self._roles():
            apply_to_role(role, contribution)
        if contribution.manifests:
            self.add_manifest(*contribution.manifests)
        return contribution

    def add_job_template(self, construct_id: str, **props: Any) -> JobTemplate:
        """Another job template on this team (props as :class:`JobTemplate`)."""
        return JobTemplate(self, construct_id, team=self, **props)

    def add_manifest(self, *objects: Mapping[str, Any]) -> eks.KubernetesManifest:
        """Apply Kubernetes objects to the team's namespace, once it exists."""
        self._manifest_count += 1
        return self.namespace_construct.add_manifest(f"Manifest{self._manifest_count}", *objects)

    def grant_job_logging(self, role: JobExecutionRole) -> None:
        """Let another job role of the team run the team's jobs: read the entry points under
        ``<namespace>/scripts/``, write the log group and the ``<namespace>/logs/`` prefix, and use
        the bucket's key through S3 when it is SSE-KMS. Data access stays the role's own."""
        ns = self._namespace
        role.add_to_policy(
            iam.PolicyStatement(
                actions=["s3:GetObject"],
                resources=[self._bucket.arn_for_objects(f"{ns}/scripts/*")],
            )
        )
        role.add_to_policy(
            iam.PolicyStatement(
                actions=["s3:PutObject", "s3:AbortMultipartUpload"],
                resources=[self._bucket.arn_for_objects(f"{ns}/logs/*")],
            )
        )
        key = self._bucket.encryption_key
        if key is not None:
            role.add_to_policy(
                iam.PolicyStatement(
                    actions=["kms:Decrypt", "kms:GenerateDataKey"],
                    resources=[key.key_arn],
                    conditions={
                        "StringEquals": {
                            "kms:ViaService": f"s3.{cdk.Stack.of(self).region}.amazonaws.com"
                        }
                    },
                )
            )
        role.add_to_policy(
            iam.PolicyStatement(
                actions=["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                resources=[self._log_group.log_group_arn],
            )
        )
        _nag.acknowledge_resources(
            role.role,
            f"Job logs land under the team's own {ns}/logs/ prefix with names EMR picks at run "
            f"time; entry points are the team's scripts under {ns}/scripts/, named at submission.",
            "AwsSolutions-IAM5",
            [
                self._bucket.arn_for_objects(f"{ns}/logs/*"),
                self._bucket.arn_for_objects(f"{ns}/scripts/*"),
            ],
        )

    def _roles(self) -> list[JobExecutionRole]:
        roles: list[JobExecutionRole] = [self._execution_role]
        for template in self._templates:
            if all(template.role is not r for r in roles):
                roles.append(template.role)
        return roles

    def _revalidate(self) -> None:
        for template in self._templates:
            template._validate_combined()

    def grant_start_job_run(self, grantee: iam.IGrantable) -> iam.Grant:
        """Let ``grantee`` start, watch and cancel jobs on this team's virtual cluster.

        ``StartJobRun`` is allowed with the team's job execution role
        (``emr-containers:ExecutionRoleArn``, for runs that name it) or from one of the team's job
        templates (``emr-containers:JobTemplateArn``, the key EMR documents for template runs;
        each template pins its role). Templates added to the team later are granted too.
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
        grant = start.combine(runs)
        for template in self._templates:
            grant = grant.combine(template.grant_start_job_run(grantee))
        self._submitters.append(grantee)
        if isinstance(grantee, Construct):
            _nag.acknowledge(
                grantee,
                "Job run ids exist only after StartJobRun, so describing and cancelling them "
                "needs the job-runs wildcard below this one virtual cluster.",
                "AwsSolutions-IAM5",
                applies_to=[f"Resource::{_nag.target(grantee, arn)}/jobruns/*"],
            )
        return grant


def _validate(
    check: Checker,
    *,
    platform: Any,
    namespace: Any,
    bucket: Any,
    role_name: Any,
    identity: Any,
    release_label: Any,
    dynamic_allocation: Any,
    glue: Any,
    quota: Any,
    limits: Any,
    labels: Any,
    argument_parameters: Any,
    log_retention: Any,
    encryption_key: Any,
) -> None:
    platform_ok = check_platform(check, platform)
    check_namespace_props(check, namespace=namespace, labels=labels, quota=quota, limits=limits)
    if platform_ok and isinstance(namespace, str):
        problem = platform.virtual_cluster_problem(namespace) or platform.namespace_problem(
            namespace
        )
        if problem:
            check.add("namespace", namespace, problem)
    check.rule("role_name", role_name, rules.role_name)
    parsed = rules.choice(Identity, identity)
    if isinstance(parsed, str):
        check.add("identity", identity, parsed)
    if check.rule("release_label", release_label, rules.emr_eks_release):
        version = rules.emr_eks_release_version(release_label)
        if parsed is Identity.POD_IDENTITY and version and version < POD_IDENTITY_MIN_RELEASE:
            check.add(
                "identity",
                "pod-identity",
                f"needs emr-7.3.0 or later, not {release_label!r}; use Identity.IRSA or a later "
                "release",
            )
    if isinstance(dynamic_allocation, DynamicAllocation):
        dynamic_allocation.check(check)
    else:
        check.add("dynamic_allocation", dynamic_allocation, "pass DynamicAllocation(...) or None")
    if not isinstance(glue, GlueAccess):
        check.add("glue", glue, "pass GlueAccess(databases=[...]) or None")
    elif check.rule("glue.databases", glue.databases, rules.string_list("sales")):
        bad = [d for d in glue.databases if not re.fullmatch(r"[a-z0-9_]{1,255}", d)]
        if bad:
            check.add(
                "glue.databases", bad, "Glue database names are lowercase letters, digits and '_'"
            )
    if check.rule("argument_parameters", argument_parameters, rules.string_list("Input")):
        bad = [p for p in argument_parameters if not _TEMPLATE_PARAM_RE.match(p)]
        if bad or len(set(argument_parameters)) != len(argument_parameters):
            check.add(
                "argument_parameters",
                list(argument_parameters),
                "use distinct names of letters, digits and '_' starting with a letter",
            )
        if "EntryPoint" in argument_parameters:
            check.add("argument_parameters", "EntryPoint", "the entry point has that name already")
    if bucket is not None:
        check.rule("bucket", bucket, rules.interface("an s3.IBucket", "bucket_arn"))
    elif platform_ok and platform.job_bucket is None:
        check.add("bucket", None, "the platform has no job bucket (imported); pass bucket=...")
    if encryption_key is not None:
        check.rule("encryption_key", encryption_key, rules.interface("a kms.IKey", "key_arn"))
    elif platform_ok and platform.data_key is None:
        check.add(
            "encryption_key", None, "the platform has no data key (imported); pass encryption_key"
        )
    if not isinstance(log_retention, logs.RetentionDays):
        check.add("log_retention", log_retention, "pass a logs.RetentionDays member")
    check.raise_if_any()
