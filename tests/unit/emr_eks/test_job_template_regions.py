"""Templated job submission in every region: CloudFormation's job template type where it exists,
the EMR on EKS API elsewhere; both templates lint clean for their region."""

from __future__ import annotations

import json
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_iam as iam
from aws_cdk.assertions import Template

from emr_burst.constructs import (
    JobTemplateProvisioning,
    ManagedPolicyRole,
    SparkTeam,
)
from tests.harness.checks import cfn_lint_errors, nag_findings
from tests.harness.reference import new_app
from tests.unit.emr_eks.eks_app import imported_platform


def _team_stack(region: str | None, **team_props: Any) -> tuple[cdk.App, cdk.Stack, SparkTeam]:
    app = new_app()
    env = cdk.Environment(account="111111111111", region=region) if region else None
    stack = cdk.Stack(app, "Teams", env=env)
    platform = imported_platform(stack)
    team = SparkTeam(
        stack,
        "Analytics",
        platform=platform,
        namespace="analytics",
        role_name="emr-burst-analytics-job",
        **team_props,
    )
    submitter = ManagedPolicyRole(stack, "Submitter", assumed_by=iam.AccountRootPrincipal())
    team.grant_start_job_run(submitter)
    cdk.CfnOutput(stack, "JobTemplateId", value=team.job_template.job_template_id)
    return app, stack, team


@pytest.mark.parametrize("region", ["us-east-1", "eu-central-1"])
def test_regions_with_the_cloudformation_type_use_it(region: str) -> None:
    _, stack, team = _team_stack(region)
    assert team.job_template.provisioning is JobTemplateProvisioning.CLOUDFORMATION
    template = Template.from_stack(stack)
    template.resource_count_is("AWS::EMRContainers::JobTemplate", 1)
    assert not cfn_lint_errors(template.to_json(), [region])


@pytest.mark.parametrize("region", ["eu-west-1", "ap-northeast-1"])
def test_regions_without_the_type_create_templates_through_the_emr_api(region: str) -> None:
    app, stack, team = _team_stack(region)
    assert team.job_template.provisioning is JobTemplateProvisioning.API
    template = Template.from_stack(stack)
    template.resource_count_is("AWS::EMRContainers::JobTemplate", 0)
    (custom,) = template.find_resources("Custom::AWS").values()
    create = json.dumps(custom["Properties"]["Create"])
    assert "createJobTemplate" in create
    assert "sparkSubmitJobDriver" in create
    assert "persistentAppUI" in create  # the API's spelling, not CloudFormation's
    assert "logging.request.cores" in create
    assert "deleteJobTemplate" in json.dumps(custom["Properties"]["Delete"])
    assert not cfn_lint_errors(template.to_json(), [region])
    # The grant names the API-created template's ARN from the custom resource's response.
    policies = json.dumps(template.find_resources("AWS::IAM::ManagedPolicy"))
    assert "emr-containers:JobTemplateArn" in policies
    assert '"arn"' in policies
    for pack in ("AwsSolutions", "HIPAA Security", "NIST 800-53 rev 5"):
        assert not nag_findings(app, pack), pack


def test_an_environment_agnostic_stack_warns_where_its_templates_deploy() -> None:
    _, stack, team = _team_stack(None)
    assert team.job_template.provisioning is JobTemplateProvisioning.CLOUDFORMATION
    Template.from_stack(stack)
    messages = [
        entry.data
        for construct in stack.node.find_all()
        for entry in construct.node.metadata
        if entry.type == "aws:cdk:warning"
    ]
    assert any("exists only in us-east-1, us-west-2" in str(m) for m in messages)


def test_api_provisioning_can_be_chosen_anywhere() -> None:
    _, stack, team = _team_stack(None)
    reports = team.add_job_template("Reports", provisioning="api")
    assert reports.provisioning is JobTemplateProvisioning.API
    Template.from_stack(stack).resource_count_is("Custom::AWS", 1)
