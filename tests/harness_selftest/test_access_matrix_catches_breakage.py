"""The access matrix, pointed at deliberately broken copies of the reference templates, fails.

Each test breaks one kind of thing the matrix checks (a missing grant, a grant to another
account, a trust widened to every namespace, a service statement without its source condition,
a key that stops delegating to IAM, an explicit Deny, a moved log prefix) and asserts that the
right row fails with a message naming the statement to add or the statement that allows too much.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest

from tests.access.evaluator import OTHER_ACCOUNT
from tests.access.matrix import Row, StackAccess
from tests.access.rows import stack_access
from tests.harness.reference import BuiltApp

Template = dict[str, Any]


def _matrix(reference: BuiltApp, stack: str, change: Callable[[Template], None]) -> StackAccess:
    template = copy.deepcopy(reference.template(stack))
    change(template)
    region = reference.artifact(stack).environment.region
    return stack_access(stack, template, "us-east-1" if region.startswith("unknown") else region)


def _resources(template: Template, kind: str) -> dict[str, Any]:
    return {k: v for k, v in template["Resources"].items() if v["Type"] == kind}


def _problems(matrix: StackAccess, kind: str) -> list[str]:
    rows: list[Row] = [row for row in matrix.rows if row.kind == kind]
    assert rows, f"no {kind} rows"
    return [p for p in map(matrix.problem, rows) if p]


def _bucket_statement(
    sid: str, effect: str, principal: Any, action: str
) -> Callable[[Template], None]:
    """A change that adds one statement to every bucket policy of a template."""

    def change(template: Template) -> None:
        for policy in _resources(template, "AWS::S3::BucketPolicy").values():
            policy["Properties"]["PolicyDocument"]["Statement"].append(
                {
                    "Sid": sid,
                    "Effect": effect,
                    "Principal": principal,
                    "Action": action,
                    "Resource": "*",
                }
            )

    return change


def test_a_removed_grant_fails_with_the_statement_to_add(reference: BuiltApp) -> None:
    def drop_log_writes(template: Template) -> None:
        for policy in _resources(template, "AWS::IAM::ManagedPolicy").values():
            document = policy["Properties"]["PolicyDocument"]
            document["Statement"] = [
                s for s in document["Statement"] if s.get("Sid") != "WriteDataAndLogs"
            ]

    assert _problems(_matrix(reference, "EmrBurstEmrEks", lambda t: None), "eks-log-write") == []
    problems = _problems(_matrix(reference, "EmrBurstEmrEks", drop_log_writes), "eks-log-write")
    assert len(problems) == 3, problems
    assert all(" is denied " in p and "Add to an identity policy of" in p for p in problems)
    assert any(
        "role/EmrBurstEmrEks-analytics-job" in p
        and '"Action": "s3:PutObject"' in p
        and "/analytics/logs/<virtual-cluster-id>/jobs/" in p
        for p in problems
    ), problems


def test_a_wildcard_grant_to_another_account_fails_a_must_deny_row(reference: BuiltApp) -> None:
    share_bucket = _bucket_statement("Oops", "Allow", {"AWS": "*"}, "s3:*")
    problems = _problems(_matrix(reference, "EmrBurstEmrEks", share_bucket), "eks-log-foreign")
    assert problems
    assert all(
        f"arn:aws:iam::{OTHER_ACCOUNT}:role/x" in p
        and "must be denied but is allowed by" in p
        and "statement Oops" in p
        for p in problems
    ), problems


def test_an_irsa_trust_open_to_every_namespace_fails(reference: BuiltApp) -> None:
    def any_namespace(template: Template) -> None:
        for role in _resources(template, "AWS::IAM::Role").values():
            trust = role["Properties"]["AssumeRolePolicyDocument"]
            if "Fn::Join" in trust:
                parts = trust["Fn::Join"][1]
                for i, part in enumerate(parts):
                    if isinstance(part, str) and "system:serviceaccount:" in part:
                        head, _, tail = part.partition("system:serviceaccount:")
                        parts[i] = head + "system:serviceaccount:*:" + tail.split(":", 1)[1]

    matrix = _matrix(reference, "EmrBurstEmrEks", any_namespace)
    problems = _problems(matrix, "eks-irsa-other-namespace")
    assert problems
    assert all("sts:AssumeRoleWithWebIdentity" in p and " trust statement 0" in p for p in problems)
    assert _problems(matrix, "eks-irsa") == []


def test_a_service_statement_without_its_source_condition_fails(reference: BuiltApp) -> None:
    def unconditioned_key(template: Template) -> None:
        for key in _resources(template, "AWS::KMS::Key").values():
            for statement in key["Properties"]["KeyPolicy"]["Statement"]:
                if "cloudwatch.amazonaws.com" in json.dumps(statement.get("Principal")):
                    statement.pop("Condition", None)

    stack = "EmrBurstHybridOnPrem"
    assert _problems(_matrix(reference, stack, lambda t: None), "alarm-publish-kms-foreign") == []
    problems = _problems(_matrix(reference, stack, unconditioned_key), "alarm-publish-kms-foreign")
    assert problems
    assert all("cloudwatch.amazonaws.com" in p and "222222222222" in p for p in problems)
    assert all("must be denied but is allowed by: SecurityConfigurationKey" in p for p in problems)


def test_a_key_that_stops_delegating_to_iam_fails_with_a_key_policy_statement(
    reference: BuiltApp,
) -> None:
    def no_root(template: Template) -> None:
        for key in _resources(template, "AWS::KMS::Key").values():
            policy = key["Properties"]["KeyPolicy"]
            policy["Statement"] = [
                s for s in policy["Statement"] if ":root" not in json.dumps(s.get("Principal"))
            ]

    problems = _problems(_matrix(reference, "EmrBurstEmrEks", no_root), "eks-log-write-kms")
    assert problems
    assert all("key policy" in p and '"Principal": {"AWS": "arn:aws:iam::' in p for p in problems)


def test_an_explicit_deny_is_named(reference: BuiltApp) -> None:
    deny_writes = _bucket_statement("NoWrites", "Deny", "*", "s3:Put*")
    problems = _problems(_matrix(reference, "EmrBurstEmrEks", deny_writes), "eks-log-write")
    assert problems
    assert all("is explicitly denied by" in p and "statement NoWrites" in p for p in problems)


def test_rows_follow_the_template_values(reference: BuiltApp) -> None:
    """Moving a job template's log prefix moves its row: nothing is copied by hand."""

    def move_logs(template: Template) -> None:
        for job in _resources(template, "AWS::EMRContainers::JobTemplate").values():
            monitoring = job["Properties"]["JobTemplateData"]["ConfigurationOverrides"][
                "MonitoringConfiguration"
            ]
            join = monitoring["S3MonitoringConfiguration"]["LogUri"]["Fn::Join"][1]
            join[-1] = join[-1].replace("/logs/", "/elsewhere/")

    problems = _problems(_matrix(reference, "EmrBurstEmrEks", move_logs), "eks-log-write")
    assert len(problems) == 3
    assert all("/elsewhere/<virtual-cluster-id>/" in p for p in problems)


@pytest.mark.parametrize("stack", ["EmrBurstHybridOnPrem", "EmrBurstHybridCompute"])
def test_alarm_rows_fail_when_the_topic_stops_admitting_cloudwatch(
    reference: BuiltApp, stack: str
) -> None:
    """Issue 8 defect 2 again: without its statement for alarms the topic refuses them."""

    def drop_cloudwatch(template: Template) -> None:
        for policy in _resources(template, "AWS::SNS::TopicPolicy").values():
            statements = policy["Properties"]["PolicyDocument"]["Statement"]
            statements[:] = [s for s in statements if "cloudwatch" not in json.dumps(s)]

    assert _problems(_matrix(reference, stack, lambda t: None), "alarm-publish") == []
    broken = _problems(_matrix(reference, stack, drop_cloudwatch), "alarm-publish")
    assert broken
    assert all(
        "Add to OperationsTopicPolicy" in p and "cloudwatch.amazonaws.com" in p for p in broken
    )


@pytest.mark.parametrize("stack", ["EmrBurstHybridOnPrem", "EmrBurstHybridCompute"])
def test_log_rows_fail_when_the_log_grant_loses_its_star(reference: BuiltApp, stack: str) -> None:
    """Issue 8 defect 1 again: a grant on ``logs/`` alone does not cover ``logs/j-.../...``."""

    def no_star_below_logs(template: Template) -> None:
        for policy in _resources(template, "AWS::IAM::ManagedPolicy").values():
            for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
                resources = statement["Resource"]
                for resource in resources if isinstance(resources, list) else [resources]:
                    join = (
                        resource.get("Fn::Join", [None, []])[1]
                        if isinstance(resource, dict)
                        else []
                    )
                    if join and join[-1] == "/logs/*":
                        join[-1] = "/logs/"

    assert _problems(_matrix(reference, stack, lambda t: None), "emr-log-write") == []
    broken = _problems(_matrix(reference, stack, no_star_below_logs), "emr-log-write")
    assert len(broken) == 1
    assert "ClusterInstanceRole" in broken[0]
    assert '"Action": "s3:PutObject"' in broken[0]


# --- Lake Formation ------------------------------------------------------------------------------

CONSUMER_STACK = "EmrBurstLakeFormationConsumer"
PRODUCER_STACK = "EmrBurstLakeFormationProducer"


def _grant_team2_the_patients_filter(template: Template) -> None:
    grants = _resources(template, "AWS::LakeFormation::PrincipalPermissions")
    team1_filter = next(
        g for g in grants.values() if "DataCellsFilter" in g["Properties"]["Resource"]
    )
    team2 = next(
        g["Properties"]["Principal"]
        for g in grants.values()
        if "team2" in json.dumps(g["Properties"]["Principal"]) or "Team2" in json.dumps(g)
    )
    extra = copy.deepcopy(team1_filter)
    extra["Properties"]["Principal"] = team2
    template["Resources"]["Team2PatientsByMistake"] = extra


def test_a_filter_grant_to_the_claims_team_fails_its_deny_row(reference: BuiltApp) -> None:
    matrix = _matrix(reference, CONSUMER_STACK, _grant_team2_the_patients_filter)
    (problem,) = _problems(matrix, "lf-select-filter")
    assert "team2_execution_role" in problem
    assert "must be denied but is allowed by: Team2PatientsByMistake" in problem


def test_a_whole_table_share_of_the_filtered_table_fails(reference: BuiltApp) -> None:
    def share_patients_whole(template: Template) -> None:
        grants = _resources(template, "AWS::LakeFormation::PrincipalPermissions")
        claims = next(g for g in grants.values() if "Table" in g["Properties"]["Resource"])
        extra = copy.deepcopy(claims)
        extra["Properties"]["Resource"]["Table"]["Name"] = "patients"
        template["Resources"]["PatientsWhole"] = extra

    problems = _problems(
        _matrix(reference, PRODUCER_STACK, share_patients_whole), "lf-select-unfiltered"
    )
    assert problems
    assert all("PatientsWhole" in p for p in problems)


def test_a_job_role_trust_without_the_session_tag_condition_fails(reference: BuiltApp) -> None:
    def drop_tag_condition(template: Template) -> None:
        for role in _resources(template, "AWS::IAM::Role").values():
            document = role["Properties"]["AssumeRolePolicyDocument"]
            if isinstance(document, dict) and "Fn::Join" in document:
                parts = document["Fn::Join"][1]
                document["Fn::Join"][1] = [
                    p.replace(
                        '"Condition":{"StringLike":{"aws:RequestTag/LakeFormationAuthorizedCaller":'
                        '"EMR on EKS Engine"}},',
                        "",
                    )
                    if isinstance(p, str)
                    else p
                    for p in parts
                ]

    problems = _problems(
        _matrix(reference, CONSUMER_STACK, drop_tag_condition), "fgac-tag-session-other-value"
    )
    assert len(problems) == 2, problems
    assert all("must be denied" in p for p in problems)


def test_a_query_role_trusting_the_user_namespace_fails(reference: BuiltApp) -> None:
    def widen(template: Template) -> None:
        for role in _resources(template, "AWS::IAM::Role").values():
            document = role["Properties"]["AssumeRolePolicyDocument"]
            if isinstance(document, str) and "lf-fgac-secure" in document:
                role["Properties"]["AssumeRolePolicyDocument"] = document.replace(
                    "serviceaccount:lf-fgac-secure:", "serviceaccount:lf-fgac-*:"
                )
            elif isinstance(document, dict) and "lf-fgac-secure" in json.dumps(document):
                role["Properties"]["AssumeRolePolicyDocument"] = json.loads(
                    json.dumps(document).replace(
                        "serviceaccount:lf-fgac-secure:", "serviceaccount:lf-fgac-*:"
                    )
                )

    (problem,) = _problems(
        _matrix(reference, CONSUMER_STACK, widen), "fgac-query-irsa-user-namespace"
    )
    assert "must be denied" in problem


def test_a_job_role_open_to_every_service_account_fails_the_chart_account_rows(
    reference: BuiltApp,
) -> None:
    def every_account(template: Template) -> None:
        for role in _resources(template, "AWS::IAM::Role").values():
            trust = role["Properties"]["AssumeRolePolicyDocument"]
            if "Fn::Join" not in trust:
                continue
            parts = trust["Fn::Join"][1]
            for i, part in enumerate(parts):
                if isinstance(part, str) and "system:serviceaccount:" in part:
                    head, _, _ = part.partition("system:serviceaccount:")
                    parts[i] = head + "system:serviceaccount:*"
                    parts[i + 1] = ""  # the account id of the base36 suffix
                    parts[i + 2] = parts[i + 2][parts[i + 2].index('"') :]
                    break

    assert (
        _problems(
            _matrix(reference, "EmrBurstYuniKorn", lambda t: None), "eks-chart-account-no-role"
        )
        == []
    )
    problems = _problems(
        _matrix(reference, "EmrBurstYuniKorn", every_account), "eks-chart-account-no-role"
    )
    assert len(problems) == 2, problems
    assert any("yunikorn-admission-controller" in p for p in problems)
