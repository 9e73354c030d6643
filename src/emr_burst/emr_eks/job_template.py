"""EMR on EKS job templates: what a job submitted through the template runs with.

A :class:`JobTemplate` belongs to a team (namespace and virtual cluster) and runs as one job
execution role; a team may hold several, each with its own role. Its Spark properties,
classifications and pod templates are the team's plus its own, rendered at synth time (pod
templates into the cloud assembly, nowhere else). EMR job templates are immutable, so the name
carries a hash of the content: any change creates a new template (a new id) and CloudFormation
deletes the old one.
"""

from __future__ import annotations

import enum
import hashlib
import json
import os
import re
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import aws_cdk as cdk
import jsii
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_assets as s3_assets
from constructs import Construct, IConstruct

from emr_burst.core import rules
from emr_burst.core.errors import Checker
from emr_burst.emr_eks.classification import Classification
from emr_burst.emr_eks.extension import Contribution, describe
from emr_burst.emr_eks.job_provisioning import (
    ApiJobTemplate,
    CloudFormationJobTemplate,
    JobTemplateProvisioning,
    resolve_provisioning,
)
from emr_burst.emr_eks.job_role import JobExecutionRole
from emr_burst.emr_eks.job_settings import (
    JobSettings,
    combined_configuration,
    combined_pod_template,
)
from emr_burst.emr_eks.platform import IEmrEksPlatform
from emr_burst.emr_eks.pod_template import PodRole, PodTemplate, placement_change
from emr_burst.emr_eks.virtual_cluster import IEmrVirtualCluster

#: CloudFormation's limit on ``AWS::EMRContainers::JobTemplate`` ``Name``.
NAME_MAX = 64
_HASH_CHARS = 8
_PARAM_RE = re.compile(r"\$\{([^}]*)\}")
_PARAM_NAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_ENTRY_POINT_MAX = 256
_ARGUMENT_MAX = 10280
_PARAMETERS_MAX = 102400


class DriverKind(enum.Enum):
    SPARK_SUBMIT = "sparkSubmitJobDriver"
    SPARK_SQL = "sparkSqlJobDriver"


@dataclass(frozen=True)
class JobDriver:
    """What a job runs: a Spark application (``spark-submit``) or a Spark SQL script.

    ``${Name}`` in any field becomes a template parameter of that name, given at submission.

    Example::

        JobDriver.spark_submit(arguments=["${Input}", "${Output}"])
        JobDriver.spark_sql(entry_point="s3://bucket/analytics/scripts/report.sql")
    """

    kind: DriverKind
    entry_point: str
    arguments: tuple[str, ...] = ()
    parameters: str | None = None

    @classmethod
    def spark_submit(
        cls,
        entry_point: str = "${EntryPoint}",
        arguments: Sequence[str] = (),
        spark_submit_parameters: str | None = None,
    ) -> JobDriver:
        """``sparkSubmitJobDriver``: entry point, arguments, extra ``spark-submit`` flags."""
        args = tuple(arguments) if isinstance(arguments, (list, tuple)) else arguments
        return cls(DriverKind.SPARK_SUBMIT, entry_point, args, spark_submit_parameters)  # type: ignore[arg-type]

    @classmethod
    def spark_sql(
        cls, entry_point: str = "${EntryPoint}", spark_sql_parameters: str | None = None
    ) -> JobDriver:
        """``sparkSqlJobDriver``: a SQL file and extra ``spark-sql`` flags."""
        return cls(DriverKind.SPARK_SQL, entry_point, (), spark_sql_parameters)

    def check(self, check: Checker, prop: str) -> None:
        entry_ok = (
            isinstance(self.entry_point, str) and 1 <= len(self.entry_point) <= _ENTRY_POINT_MAX
        )
        if not entry_ok:
            check.add(
                f"{prop}.entry_point",
                self.entry_point,
                f"use 1-{_ENTRY_POINT_MAX} characters: an S3 URI or '${{EntryPoint}}'",
            )
        if isinstance(self.arguments, str) or not isinstance(self.arguments, tuple):
            check.add(f"{prop}.arguments", self.arguments, "pass a list of strings")
        else:
            for index, argument in enumerate(self.arguments):
                if not isinstance(argument, str) or not 1 <= len(argument) <= _ARGUMENT_MAX:
                    check.add(
                        f"{prop}.arguments[{index}]",
                        argument,
                        f"each argument is a string of 1-{_ARGUMENT_MAX} characters",
                    )
        if self.parameters is not None and (
            not isinstance(self.parameters, str) or not 1 <= len(self.parameters) <= _PARAMETERS_MAX
        ):
            check.add(
                f"{prop}.parameters",
                self.parameters,
                f"use a string of 1-{_PARAMETERS_MAX} characters or None",
            )
        for name in self.parameter_names():
            if not _PARAM_NAME_RE.match(name):
                check.add(
                    f"{prop} parameter",
                    name,
                    "template parameters are letters, digits and '_', starting with a letter",
                )

    def parameter_names(self) -> list[str]:
        """The ``${Name}`` parameters the driver uses, in order of first use."""
        names: list[str] = []
        texts = [self.entry_point, *self.arguments, self.parameters or ""]
        for text in texts:
            if isinstance(text, str):
                for name in _PARAM_RE.findall(text):
                    if name not in names:
                        names.append(name)
        return names

    def api(self) -> dict[str, Any]:
        """The ``jobDriver`` of the EMR on EKS API (CloudFormation takes the same shape)."""
        if self.kind is DriverKind.SPARK_SQL:
            sql: dict[str, Any] = {"entryPoint": self.entry_point}
            if self.parameters is not None:
                sql["sparkSqlParameters"] = self.parameters
            return {"sparkSqlJobDriver": sql}
        submit: dict[str, Any] = {"entryPoint": self.entry_point}
        if self.arguments:
            submit["entryPointArguments"] = list(self.arguments)
        if self.parameters is not None:
            submit["sparkSubmitParameters"] = self.parameters
        return {"sparkSubmitJobDriver": submit}


@runtime_checkable
class ISparkTeam(Protocol):
    """What a job template needs of its team (a :class:`~emr_burst.emr_eks.team.SparkTeam`)."""

    @property
    def node(self) -> Any: ...

    @property
    def namespace(self) -> str: ...

    @property
    def platform(self) -> IEmrEksPlatform: ...

    @property
    def virtual_cluster(self) -> IEmrVirtualCluster: ...

    @property
    def settings(self) -> JobSettings: ...

    @property
    def log_group(self) -> logs.ILogGroup: ...

    @property
    def bucket(self) -> s3.IBucket: ...

    @property
    def release_label(self) -> str: ...

    @property
    def execution_role(self) -> JobExecutionRole: ...

    def register_job_template(self, template: JobTemplate) -> None: ...

    def add_manifest(self, *objects: Mapping[str, Any]) -> Any: ...


class JobTemplate(Construct):
    """An EMR on EKS job template of a team: release, role, driver, configuration, pod templates.

    Example::

        etl = JobTemplate(self, "Etl", team=team, role=etl_role,
            job_driver=JobDriver.spark_sql(),
            spark_conf={"spark.sql.shuffle.partitions": "400"})
        etl.add_extension(queue)
        etl.grant_start_job_run(submitter)

    :param team: the team whose namespace and virtual cluster run the jobs.
    :param role: the job execution role. Default: - the team's role.
    :param job_driver: Default: - ``JobDriver.spark_submit()`` with ``${EntryPoint}``.
    :param release_label: EMR on EKS release. Default: - the team's.
    :param spark_conf: ``spark-defaults`` of this template (over the team's). Default: - none.
    :param classifications: other classifications of this template. Default: - none.
    :param name: the readable part of the template's name; a content hash is appended.
        Default: - ``<stack name>-<namespace>-<construct id>``.
    :param provisioning: ``CLOUDFORMATION`` (``AWS::EMRContainers::JobTemplate``, which exists in
        only a few regions), ``API`` (a custom resource that calls the EMR on EKS API) or ``AUTO``:
        the API where the stack's region lacks the CloudFormation type, CloudFormation otherwise.
        Default: - ``AUTO``.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        team: ISparkTeam,
        role: JobExecutionRole | None = None,
        job_driver: JobDriver | None = None,
        release_label: str | None = None,
        spark_conf: Mapping[str, str] | None = None,
        classifications: Sequence[Classification] = (),
        name: str | None = None,
        provisioning: JobTemplateProvisioning | str = JobTemplateProvisioning.AUTO,
    ) -> None:
        check = Checker(scope, construct_id, "JobTemplate")
        parsed = rules.choice(JobTemplateProvisioning, provisioning)
        if isinstance(parsed, str):
            check.add("provisioning", provisioning, parsed)
        team_ok = check.rule(
            "team",
            team,
            rules.interface("a SparkTeam", "settings", "virtual_cluster", "register_job_template"),
        )
        if role is not None and not isinstance(role, JobExecutionRole):
            check.add("role", role, "pass a JobExecutionRole (its trust names the namespace)")
        elif role is not None and team_ok and role.namespace != team.namespace:
            check.add(
                "role",
                role.namespace,
                f"the role trusts namespace {role.namespace!r} but the team runs in "
                f"{team.namespace!r}; create the role for the team's namespace",
            )
        driver = job_driver if job_driver is not None else JobDriver.spark_submit()
        if isinstance(driver, JobDriver):
            driver.check(check, "job_driver")
        else:
            check.add("job_driver", driver, "pass JobDriver.spark_submit(...) or .spark_sql(...)")
        if release_label is not None:
            check.rule("release_label", release_label, rules.emr_eks_release)
        if name is not None and not (
            isinstance(name, str) and re.fullmatch(r"[.\-_/#A-Za-z0-9]{1,55}", name)
        ):
            check.add("name", name, "use 1-55 letters, digits and '.-_/#' (a hash is appended)")
        check.raise_if_any()
        super().__init__(scope, construct_id)
        self.team = team
        self.role = role or team.execution_role
        self.job_driver = driver
        self.release_label = release_label or team.release_label
        self.settings = JobSettings(f"JobTemplate '{self.node.path}'", self._validate_combined)
        self._base_name = name or f"{cdk.Stack.of(self).stack_name}-{team.namespace}-{construct_id}"
        assert isinstance(parsed, JobTemplateProvisioning)
        self.provisioning = resolve_provisioning(self, parsed)
        self._backend = (
            CloudFormationJobTemplate(self, self._base_name[:NAME_MAX], self._placeholder_data())
            if self.provisioning is JobTemplateProvisioning.CLOUDFORMATION
            else ApiJobTemplate(self)
        )
        #: ``AWS::EMRContainers::JobTemplate``, or the custom resource that calls the EMR API.
        self.resource = self._backend.resource
        if spark_conf:
            self.add_spark_conf(spark_conf)
        for classification in classifications:
            self.add_classification(classification)
        team.register_job_template(self)
        cdk.Aspects.of(self).add(_Render(self), priority=cdk.AspectPriority.MUTATING)

    # --- what the jobs carry -----------------------------------------------------------------

    @property
    def namespace(self) -> str:
        return self.team.namespace

    @property
    def platform(self) -> IEmrEksPlatform:
        return self.team.platform

    @property
    def spark_conf(self) -> Mapping[str, str]:
        """The template's effective ``spark-defaults`` so far (team's, then its own)."""
        conf = {k: v for k, (v, _) in self.team.settings.spark_conf.items()}
        conf.update({k: v for k, (v, _) in self.settings.spark_conf.items()})
        return conf

    @property
    def driver_pod_template(self) -> PodTemplate:
        """Changes to this template's driver pods (over the team's)."""
        return self.settings.driver

    @property
    def executor_pod_template(self) -> PodTemplate:
        return self.settings.executor

    def add_spark_conf(self, properties: Mapping[str, str], *, overwrite: bool = False) -> None:
        """Add ``spark-defaults`` properties to this template (they win over the team's)."""
        self.settings.add_spark_conf(properties, source="add_spark_conf", overwrite=overwrite)

    def add_classification(self, classification: Classification) -> None:
        self.settings.add_classification(classification, source="add_classification")

    def add_extension(self, extension: Any) -> Contribution:
        """Bind a capability to this template only (see :mod:`emr_burst.emr_eks.extension`)."""
        source = describe(extension)
        check = Checker(None, None, "", where=f"JobTemplate '{self.node.path}'")
        check.rule("extension", extension, rules.interface("an object with bind(target)", "bind"))
        check.raise_if_any()
        contribution = extension.bind(self)
        self.settings.apply(contribution, source=source)
        apply_to_role(self.role, contribution)
        if contribution.manifests:
            self.team.add_manifest(*contribution.manifests)
        return contribution

    # --- attributes and grants ---------------------------------------------------------------

    @property
    def job_template_arn(self) -> str:
        return self._backend.arn

    @property
    def job_template_id(self) -> str:
        return self._backend.id

    def _placeholder_data(self) -> dict[str, Any]:
        """What the template holds until it is rendered at synth (never synthesized)."""
        return {
            "executionRoleArn": self.role.role_arn,
            "releaseLabel": self.release_label,
            "jobDriver": self.job_driver.api(),
        }

    def grant_start_job_run(self, grantee: iam.IGrantable) -> iam.Grant:
        """Let ``grantee`` start jobs from this template on the team's virtual cluster.

        ``StartJobRun`` is allowed only from this template (``emr-containers:JobTemplateArn``,
        the condition key EMR documents for template runs; the template pins its role), and the
        template may be read. Whether EMR also sets ``emr-containers:ExecutionRoleArn`` for template
        runs is not documented, so the grant does not rely on it.
        """
        arn = self.team.virtual_cluster.virtual_cluster_arn
        start = iam.Grant.add_to_principal(
            grantee=grantee,
            actions=["emr-containers:StartJobRun"],
            resource_arns=[arn],
            conditions={"ArnEquals": {"emr-containers:JobTemplateArn": self.job_template_arn}},
        )
        read = iam.Grant.add_to_principal(
            grantee=grantee,
            actions=["emr-containers:DescribeJobTemplate"],
            resource_arns=[self.job_template_arn],
        )
        return start.combine(read)

    def effective_pod(self, role: PodRole) -> dict[str, Any]:
        """The pod template this template's jobs get for ``role``, as it stands now: the
        platform's placement, then the team's changes, then the template's."""
        where = f"JobTemplate '{self.node.path}'"
        layers = [_placement_layer(self.platform.placement), *self._layers()]
        return combined_pod_template(where, role, layers)

    def effective_properties(self, classification: str) -> dict[str, str]:
        """The merged properties of one classification (the team's, then the template's)."""
        merged: dict[str, str] = {}
        for layer in self._layers():
            for item, _ in layer.classifications:
                if item.name == classification:
                    merged.update(item.properties)
        return merged

    # --- rendering ---------------------------------------------------------------------------

    def _layers(self) -> list[JobSettings]:
        return [self.team.settings, self.settings]

    def _validate_combined(self) -> None:
        """Raise now when the team's settings and this template's no longer combine."""
        where = f"JobTemplate '{self.node.path}'"
        combined_configuration(where, self._layers(), {})
        for role in PodRole:
            combined_pod_template(where, role, self._layers())

    def _render(self) -> None:
        """Write the pod templates into the cloud assembly and fix the template's content."""
        where = f"JobTemplate '{self.node.path}'"
        pod_urls = {}
        objects = []
        for role in PodRole:
            pod = self.effective_pod(role)
            asset = _assembly_asset(self, f"{role.value.capitalize()}PodTemplate", pod)
            pod_urls[role] = asset.s3_object_url
            objects.append(asset.bucket.arn_for_objects(asset.s3_object_key))
        self.role.add_to_policy(
            iam.PolicyStatement(
                sid=f"ReadPodTemplates{_sid(self.node.id)}",
                actions=["s3:GetObject"],
                resources=objects,
            )
        )
        pod_conf = {
            "spark.kubernetes.driver.podTemplateFile": pod_urls[PodRole.DRIVER],
            "spark.kubernetes.executor.podTemplateFile": pod_urls[PodRole.EXECUTOR],
        }
        configuration = combined_configuration(where, self._layers(), pod_conf)
        data = self._template_data(configuration)
        digest = hashlib.sha256(
            json.dumps(cdk.Stack.of(self).resolve(data), sort_keys=True, default=str).encode()
        ).hexdigest()[:_HASH_CHARS]
        name = f"{self._base_name[: NAME_MAX - _HASH_CHARS - 1]}-{digest}"
        self._backend.render(name, data)

    def _template_data(self, configuration: list[dict[str, Any]]) -> dict[str, Any]:
        """``jobTemplateData`` in the EMR on EKS API's shape (camelCase, tokens unresolved)."""
        team = self.team
        data: dict[str, Any] = {
            "executionRoleArn": self.role.role_arn,
            "releaseLabel": self.release_label,
            "jobDriver": self.job_driver.api(),
            "configurationOverrides": {
                "applicationConfiguration": configuration,
                "monitoringConfiguration": {
                    "persistentAppUI": "ENABLED",
                    "cloudWatchMonitoringConfiguration": {
                        "logGroupName": team.log_group.log_group_name,
                        "logStreamNamePrefix": team.namespace,
                    },
                    "s3MonitoringConfiguration": {
                        "logUri": team.bucket.s3_url_for_object(f"{team.namespace}/logs/"),
                    },
                },
            },
            "jobTags": {"emr-burst:team": team.namespace},
        }
        parameters = self.job_driver.parameter_names()
        if parameters:
            data["parameterConfiguration"] = {name: {"type": "STRING"} for name in parameters}
        return data


def apply_to_role(role: JobExecutionRole, contribution: Contribution) -> None:
    """The role-level parts of a contribution: permission and trust statements."""
    for statement in contribution.policy_statements:
        role.add_to_policy(statement)
    for statement in contribution.trust_statements:
        role.add_trust_statement(statement)


def _placement_layer(placement: Any) -> JobSettings:
    """The platform's node selectors and tolerations, as the first layer of every pod template."""
    layer = JobSettings("platform placement", lambda: None)
    layer.driver.add(
        placement_change(placement.driver_node_selector, placement.driver_tolerations),
        source="platform placement",
    )
    layer.executor.add(
        placement_change(placement.executor_node_selector, placement.executor_tolerations),
        source="platform placement",
    )
    return layer


def _sid(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]", "", text) or "Template"


def _assembly_asset(scope: Construct, construct_id: str, pod: Mapping[str, Any]) -> s3_assets.Asset:
    """A pod template as a CDK file asset, written once into the cloud assembly.

    The file is written into the assembly's own directory and removed once CDK has staged its
    copy, so nothing is left outside ``cdk.out`` (or the test's temporary assembly).
    """
    outdir = cdk.Stage.of(scope).outdir  # type: ignore[union-attr]
    # JSON is YAML: Spark reads the file with its YAML parser.
    body = json.dumps(pod, indent=2, sort_keys=True) + "\n"
    work = tempfile.mkdtemp(prefix=".pod-template-", dir=outdir)
    path = os.path.join(work, "pod-template.yaml")
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(body)
    asset = s3_assets.Asset(scope, construct_id, path=path)
    if not os.path.isabs(asset.asset_path) or asset.asset_path != path:
        os.remove(path)
        os.rmdir(work)
    return asset


@jsii.implements(cdk.IAspect)
class _Render:
    """Renders one job template once, before synthesis, after every change to it was made."""

    def __init__(self, template: JobTemplate) -> None:
        self._template = template
        self._path = template.node.path
        self._done = False

    def visit(self, node: IConstruct) -> None:
        if self._done or node.node.path != self._path:
            return
        self._done = True
        self._template._render()
