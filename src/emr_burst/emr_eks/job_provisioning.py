"""Where a job template is created: by CloudFormation, or through the EMR on EKS API.

``AWS::EMRContainers::JobTemplate`` exists in only a few regions (see
:data:`emr_burst.core.versions.CFN_JOB_TEMPLATE_REGIONS`); a stack elsewhere fails synth under
``@aws-cdk/core:validateAgainstDefaultRules`` and would fail to deploy. There, a custom resource
calls ``CreateJobTemplate`` and ``DeleteJobTemplate`` instead. Job templates are immutable and
named by a hash of their content, so an update is a create under the new name and CloudFormation
deletes the old template once the new physical id is returned.
"""

from __future__ import annotations

import enum
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_emrcontainers as emrc
from aws_cdk import aws_iam as iam
from aws_cdk import custom_resources as cr
from constructs import Construct

from emr_burst.core import nag as _nag
from emr_burst.core import versions
from emr_burst.core.lazy import lazy_any, lazy_string


class JobTemplateProvisioning(enum.Enum):
    """How a job template is created."""

    #: The API where the stack's region lacks the CloudFormation type; CloudFormation otherwise
    #: (and, with a warning, in environment-agnostic stacks).
    AUTO = "auto"
    #: ``AWS::EMRContainers::JobTemplate``.
    CLOUDFORMATION = "cloudformation"
    #: A custom resource calling ``CreateJobTemplate`` / ``DeleteJobTemplate``.
    API = "api"


def resolve_provisioning(
    scope: Construct, choice: JobTemplateProvisioning
) -> JobTemplateProvisioning:
    """``AUTO`` made concrete for ``scope``'s stack."""
    if choice is not JobTemplateProvisioning.AUTO:
        return choice
    region = cdk.Stack.of(scope).region
    if cdk.Token.is_unresolved(region):
        cdk.Annotations.of(scope).add_warning_v2(
            "emr-burst:job-template-region",
            "AWS::EMRContainers::JobTemplate exists only in "
            f"{', '.join(versions.CFN_JOB_TEMPLATE_REGIONS)}; this environment-agnostic stack "
            "deploys its job templates only there. Give the stack a region (the API is used "
            "where the type is missing) or pass provisioning=JobTemplateProvisioning.API.",
        )
        return JobTemplateProvisioning.CLOUDFORMATION
    if region in versions.CFN_JOB_TEMPLATE_REGIONS:
        return JobTemplateProvisioning.CLOUDFORMATION
    return JobTemplateProvisioning.API


def cloudformation_shape(data: Any) -> Any:
    """The API's ``jobTemplateData`` as CloudFormation props: one key is spelled differently."""
    if isinstance(data, dict):
        return {
            ("persistentAppUi" if key == "persistentAppUI" else key): (
                value if key in ("properties", "jobTags") else cloudformation_shape(value)
            )
            for key, value in data.items()
        }
    if isinstance(data, list):
        return [cloudformation_shape(item) for item in data]
    return data


class CloudFormationJobTemplate:
    """The template as ``AWS::EMRContainers::JobTemplate``."""

    def __init__(self, scope: Construct, name: str, placeholder: dict[str, Any]) -> None:
        self.resource = emrc.CfnJobTemplate(
            scope, "Resource", name=name, job_template_data=cloudformation_shape(placeholder)
        )

    @property
    def arn(self) -> str:
        return self.resource.attr_arn

    @property
    def id(self) -> str:
        return self.resource.attr_id

    def render(self, name: str, data: dict[str, Any]) -> None:
        self.resource.name = name
        self.resource.job_template_data = cloudformation_shape(data)


class ApiJobTemplate:
    """The template created through the EMR on EKS API by CDK's ``AwsCustomResource``.

    Justified custom resource: CloudFormation has no job template type in most regions, and the
    SDK call needs no code of ours (the one provider Lambda is CDK's, shared by the stack).
    """

    def __init__(self, scope: Construct) -> None:
        self._name = ""
        self._data: dict[str, Any] = {}
        stack = cdk.Stack.of(scope)
        create = cr.AwsSdkCall(
            service="emr-containers",
            action="createJobTemplate",
            parameters={
                "name": lazy_string(lambda: self._name),
                "clientToken": lazy_string(lambda: self._name),
                "jobTemplateData": lazy_any(lambda: self._data),
            },
            physical_resource_id=cr.PhysicalResourceId.from_response("id"),
        )
        templates = stack.format_arn(
            service="emr-containers",
            resource="/jobtemplates",
            resource_name="*",
            arn_format=cdk.ArnFormat.SLASH_RESOURCE_NAME,
        )
        self.resource = cr.AwsCustomResource(
            scope,
            "Resource",
            on_create=create,
            on_update=create,
            on_delete=cr.AwsSdkCall(
                service="emr-containers",
                action="deleteJobTemplate",
                parameters={"id": cr.PhysicalResourceIdReference()},
            ),
            policy=cr.AwsCustomResourcePolicy.from_statements(
                [
                    iam.PolicyStatement(
                        actions=[
                            "emr-containers:CreateJobTemplate",
                            "emr-containers:DeleteJobTemplate",
                            "emr-containers:TagResource",
                        ],
                        resources=[templates],
                    )
                ]
            ),
            install_latest_aws_sdk=False,
        )
        _nag.acknowledge(
            self.resource,
            "AwsCustomResource keeps its one statement (create, delete and tag this account and "
            "region's EMR job templates) inline on CDK's shared provider role.",
            *_nag.across_packs("IAMNoInlinePolicy"),
        )
        _nag.acknowledge(
            self.resource,
            "Job template ids are generated by EMR at creation, so the create and delete calls "
            "are scoped to this account and region's job templates.",
            "AwsSolutions-IAM5",
            applies_to=[_nag.resource_target(self.resource, templates)],
        )
        _nag.acknowledge_sdk_provider(
            scope,
            calls="creates and deletes EMR job templates",
            logs="the CreateJobTemplate requests: the Spark settings and S3 paths the stack "
            "template itself holds",
        )

    @property
    def arn(self) -> str:
        return self.resource.get_response_field("arn")

    @property
    def id(self) -> str:
        return self.resource.get_response_field("id")

    def render(self, name: str, data: dict[str, Any]) -> None:
        self._name = name
        self._data = data
