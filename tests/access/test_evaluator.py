"""The access matrix's IAM evaluator and template resolver, on small hand-made policies."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.access.evaluator import (
    ACCOUNT,
    OTHER_ACCOUNT,
    Policy,
    Principal,
    Request,
    arn_match,
    condition_holds,
    evaluate,
    glob_match,
)
from tests.access.rows import base36
from tests.access.templates import Resolver, template_policies

ROLE = Principal("AWS", f"arn:aws:iam::{ACCOUNT}:role/job")
FOREIGN = Principal("AWS", f"arn:aws:iam::{OTHER_ACCOUNT}:role/x")
SNS = Principal("Service", "cloudwatch.amazonaws.com")
BUCKET = "arn:aws:s3:::data"
OBJECT = f"{BUCKET}/team/logs/j-1/x.gz"
KEY = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/k"


def policy(*statements: dict[str, Any], source: str = "P") -> Policy:
    return Policy.from_document(source, {"Version": "2012-10-17", "Statement": list(statements)})


def allow(action: Any, resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action: Any, resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


def request(
    principal: Principal = ROLE,
    action: str = "s3:PutObject",
    resource: str = OBJECT,
    **context: str,
) -> Request:
    return Request(principal, action, resource, context)


# --- wildcards -----------------------------------------------------------------------------------


def test_wildcards_in_actions_ignore_case_and_in_resources_do_not() -> None:
    assert glob_match("s3:Put*", "S3:PUTOBJECT", ignore_case=True)
    assert glob_match("s3:Get?bject", "s3:GetObject")
    assert not glob_match("s3:Get?bject", "s3:GetOObject")
    assert not glob_match("arn:aws:s3:::Data/*", OBJECT)


def test_an_object_grant_without_star_does_not_cover_keys_below_it() -> None:
    grant = [policy(allow("s3:PutObject", f"{BUCKET}/team/logs/"))]
    assert not evaluate(request(), identity=grant, resource=[]).allowed
    star = [policy(allow("s3:PutObject", f"{BUCKET}/team/logs/*"))]
    assert evaluate(request(), identity=star, resource=[]).allowed


def test_arn_like_matches_each_part_on_its_own() -> None:
    assert arn_match("arn:aws:sns:*:111111111111:*", "arn:aws:sns:us-east-1:111111111111:t")
    assert not arn_match("arn:aws:sns:*", "arn:aws:sns:us-east-1:111111111111:t")
    assert arn_match(
        "arn:aws:logs:us-east-1:1:log-group:*", "arn:aws:logs:us-east-1:1:log-group:a:b"
    )


def test_not_action_and_not_resource() -> None:
    identity = [
        policy({"Effect": "Allow", "NotAction": "s3:Delete*", "NotResource": f"{BUCKET}/secret/*"})
    ]
    assert evaluate(request(), identity=identity, resource=[]).allowed
    assert not evaluate(request(action="s3:DeleteObject"), identity=identity, resource=[]).allowed
    secret = request(resource=f"{BUCKET}/secret/x")
    assert not evaluate(secret, identity=identity, resource=[]).allowed


# --- the decision --------------------------------------------------------------------------------


def test_an_explicit_deny_anywhere_beats_every_allow() -> None:
    identity = [policy(allow("s3:*"))]
    bucket = [policy(deny("s3:*", OBJECT, Principal={"AWS": "*"}), source="BucketPolicy")]
    decision = evaluate(request(), identity=identity, resource=bucket)
    assert not decision.allowed
    assert decision.denied_by[0].source == "BucketPolicy statement 0"
    assert not evaluate(
        request(), identity=[policy(allow("*"), deny("s3:Put*"))], resource=[]
    ).allowed


def test_same_account_needs_the_identity_or_the_resource_policy() -> None:
    bucket = [policy(allow("s3:PutObject", OBJECT, Principal={"AWS": ROLE.id}))]
    assert evaluate(request(), identity=[], resource=bucket).allowed
    assert evaluate(request(), identity=[policy(allow("s3:PutObject"))], resource=[]).allowed
    assert not evaluate(request(), identity=[], resource=[]).allowed


def test_a_bucket_policy_naming_the_account_root_delegates_to_iam() -> None:
    root = [policy(allow("s3:*", "*", Principal={"AWS": f"arn:aws:iam::{ACCOUNT}:root"}))]
    assert not evaluate(request(), identity=[], resource=root).allowed


def test_cross_account_needs_both_sides() -> None:
    mine = [
        policy(allow("s3:GetObject", OBJECT, Principal={"AWS": f"arn:aws:iam::{ACCOUNT}:root"}))
    ]
    theirs = [policy(allow("s3:GetObject", OBJECT, Principal={"AWS": OTHER_ACCOUNT}))]
    read = request(FOREIGN, "s3:GetObject")
    assert not evaluate(read, identity=None, resource=mine).allowed  # None: worst-case identity
    assert evaluate(read, identity=None, resource=theirs).allowed
    assert not evaluate(read, identity=[], resource=theirs).allowed


def test_a_key_policy_must_allow_directly_or_by_delegating_to_iam() -> None:
    use = request(action="kms:Decrypt", resource=KEY)
    identity = [policy(allow("kms:Decrypt", KEY))]
    delegating = [policy(allow("kms:*", "*", Principal={"AWS": f"arn:aws:iam::{ACCOUNT}:root"}))]
    silent = [policy(allow("kms:*", "*", Principal={"Service": "logs.amazonaws.com"}))]
    direct = [policy(allow("kms:Decrypt", "*", Principal={"AWS": ROLE.id}))]
    assert evaluate(
        use, identity=identity, resource=delegating, resource_policy_required=True
    ).allowed
    assert not evaluate(
        use, identity=[], resource=delegating, resource_policy_required=True
    ).allowed
    assert not evaluate(
        use, identity=identity, resource=silent, resource_policy_required=True
    ).allowed
    assert evaluate(use, identity=[], resource=direct, resource_policy_required=True).allowed


def test_service_principals_are_decided_by_the_resource_policy_alone() -> None:
    topic = "arn:aws:sns:us-east-1:111111111111:t"
    publish = request(SNS, "sns:Publish", topic, **{"aws:SourceAccount": ACCOUNT})
    conditioned = [
        policy(
            allow(
                "sns:Publish",
                topic,
                Principal={"Service": SNS.id},
                Condition={"StringEquals": {"aws:SourceAccount": ACCOUNT}},
            )
        )
    ]
    assert evaluate(publish, identity=None, resource=conditioned).allowed
    assert not evaluate(publish, identity=None, resource=[]).allowed
    elsewhere = request(SNS, "sns:Publish", topic, **{"aws:SourceAccount": OTHER_ACCOUNT})
    assert not evaluate(elsewhere, identity=None, resource=conditioned).allowed
    events = [policy(allow("sns:Publish", topic, Principal={"Service": "events.amazonaws.com"}))]
    assert not evaluate(publish, identity=None, resource=events).allowed


def test_not_principal_applies_to_everyone_else() -> None:
    bucket = [policy(deny("s3:*", "*", NotPrincipal={"AWS": ROLE.id}))]
    identity = [policy(allow("s3:*"))]
    assert evaluate(request(), identity=identity, resource=bucket).allowed
    other = Principal("AWS", f"arn:aws:iam::{ACCOUNT}:role/other")
    assert not evaluate(request(other), identity=identity, resource=bucket).allowed


def test_the_secure_transport_deny_spares_https_requests_only() -> None:
    bucket = [
        policy(
            deny(
                "s3:*",
                "*",
                Principal={"AWS": "*"},
                Condition={"Bool": {"aws:SecureTransport": "false"}},
            )
        )
    ]
    identity = [policy(allow("s3:*"))]
    assert evaluate(request(), identity=identity, resource=bucket).allowed
    plain = Request(ROLE, "s3:PutObject", OBJECT, {"aws:SecureTransport": "false"})
    assert not evaluate(plain, identity=identity, resource=bucket).allowed


# --- conditions ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("operator", "wanted", "context", "holds"),
    [
        ("StringEquals", "a", {"k": "a"}, True),
        ("StringEquals", ["x", "a"], {"k": "a"}, True),
        ("StringEquals", "a", {"K": "a"}, True),  # keys are case-insensitive
        ("StringEquals", "a", {"k": "A"}, False),
        ("StringEquals", "a", {}, False),
        ("StringEqualsIgnoreCase", "a", {"k": "A"}, True),
        ("StringNotEquals", "a", {"k": "b"}, True),
        ("StringNotEquals", "a", {"k": "a"}, False),
        ("StringNotEquals", "a", {}, True),
        (
            "StringLike",
            "system:serviceaccount:ns:sa-*-1",
            {"k": "system:serviceaccount:ns:sa-x-1"},
            True,
        ),
        (
            "StringLike",
            "system:serviceaccount:ns:sa-*-1",
            {"k": "system:serviceaccount:ns2:sa-x-1"},
            False,
        ),
        ("StringNotLike", "a*", {"k": "ab"}, False),
        ("ArnLike", "arn:aws:events:*:1:rule/*", {"k": "arn:aws:events:us-east-1:1:rule/r"}, True),
        (
            "ArnEquals",
            "arn:aws:events:us-east-1:1:rule/r",
            {"k": "arn:aws:events:us-east-1:1:rule/r"},
            True,
        ),
        (
            "ArnNotLike",
            "arn:aws:events:*:1:rule/*",
            {"k": "arn:aws:events:us-east-1:2:rule/r"},
            True,
        ),
        ("Bool", "true", {"k": "true"}, True),
        ("Bool", True, {"k": "true"}, True),
        ("Bool", "false", {}, False),
        ("StringEqualsIfExists", "a", {}, True),
        ("StringEqualsIfExists", "a", {"k": "b"}, False),
        ("Null", "true", {}, True),
        ("Null", "false", {}, False),
        ("ForAnyValue:StringEquals", "a", {"k": ["b", "a"]}, True),
        ("ForAllValues:StringEquals", "a", {"k": ["b", "a"]}, False),
        ("ForAllValues:StringLike", ["a*", "b*"], {"k": ["b1", "a2"]}, True),
        ("ForAllValues:StringEquals", "a", {}, True),
        ("ForAnyValue:StringEquals", "a", {}, False),
        ("StringNotEquals", ["a", "b"], {"k": "b"}, False),
    ],
)
def test_condition_operators(
    operator: str, wanted: Any, context: dict[str, Any], holds: bool
) -> None:
    assert condition_holds(operator, "k", wanted, context) is holds


def test_an_operator_the_evaluator_does_not_model_is_an_error_not_a_pass() -> None:
    with pytest.raises(NotImplementedError, match="NumericLessThan"):
        condition_holds("NumericLessThan", "k", "1", {"k": "0"})


# --- templates -----------------------------------------------------------------------------------

TEMPLATE: dict[str, Any] = {
    "Resources": {
        "Bucket": {"Type": "AWS::S3::Bucket"},
        "Provider": {
            "Type": "AWS::IAM::OIDCProvider",
            "Properties": {"Url": {"Fn::GetAtt": ["Cluster", "OpenIdConnectIssuerUrl"]}},
        },
        "Cluster": {"Type": "AWS::EKS::Cluster"},
        "Role": {
            "Type": "AWS::IAM::Role",
            "Properties": {
                "RoleName": "team-job",
                "AssumeRolePolicyDocument": {
                    "Fn::Join": [
                        "",
                        [
                            '{"Statement":[{"Effect":"Allow","Principal":{"Federated":"',
                            {"Ref": "Provider"},
                            '"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringLike":{"',
                            {
                                "Fn::Select": [
                                    1,
                                    {"Fn::Split": [":oidc-provider/", {"Ref": "Provider"}]},
                                ]
                            },
                            ':sub":"system:serviceaccount:team:*"}}}]}',
                        ],
                    ]
                },
            },
        },
        "Policy": {
            "Type": "AWS::IAM::ManagedPolicy",
            "Properties": {
                "Roles": [{"Ref": "Role"}],
                "PolicyDocument": {
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Action": "s3:GetObject",
                            "Resource": {
                                "Fn::Join": ["", [{"Fn::GetAtt": ["Bucket", "Arn"]}, "/*"]]
                            },
                        },
                        {
                            "Effect": "Allow",
                            "Action": "s3:GetObject",
                            "Resource": {
                                "Fn::Sub": "arn:${AWS::Partition}:s3:::"
                                "assets-${AWS::AccountId}-${AWS::Region}/*"
                            },
                        },
                    ]
                },
            },
        },
        "BucketPolicy": {
            "Type": "AWS::S3::BucketPolicy",
            "Properties": {
                "Bucket": {"Ref": "Bucket"},
                "PolicyDocument": {
                    "Statement": [
                        deny("s3:*", {"Fn::GetAtt": ["Bucket", "Arn"]}, Principal={"AWS": "*"})
                    ]
                },
            },
        },
    },
}


def test_the_same_resource_resolves_to_the_same_string_everywhere() -> None:
    resolver = Resolver(TEMPLATE, "S", "eu-west-1")
    assert resolver.resolve({"Ref": "Bucket"}) == "<Bucket>"
    assert resolver.resolve({"Fn::GetAtt": ["Bucket", "Arn"]}) == "arn:aws:s3:::<Bucket>"
    assert (
        resolver.resolve({"Fn::GetAtt": ["Role", "Arn"]}) == f"arn:aws:iam::{ACCOUNT}:role/team-job"
    )
    assert resolver.resolve({"Fn::Sub": "${AWS::Region}-${Bucket}-${Role.Arn}"}) == (
        f"eu-west-1-<Bucket>-arn:aws:iam::{ACCOUNT}:role/team-job"
    )
    output = {"Fn::GetStackOutput": {"StackName": "Net", "OutputName": "Vpc", "Region": "x"}}
    assert resolver.resolve(output) == "<Net.Vpc>"
    assert resolver.resolve({"Ref": "Provider"}) == (
        f"arn:aws:iam::{ACCOUNT}:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/<Cluster>"
    )


def test_template_policies_attach_managed_policies_and_parse_a_joined_trust() -> None:
    policies = template_policies(Resolver(TEMPLATE, "S", "eu-west-1"))
    role = f"arn:aws:iam::{ACCOUNT}:role/team-job"
    read = request(Principal("AWS", role), "s3:GetObject", "arn:aws:s3:::<Bucket>/a")
    bucket = policies.resource_policies(read.resource)
    assert evaluate(read, identity=policies.identity[role], resource=bucket).allowed
    listing = request(Principal("AWS", role), "s3:ListBucket", "arn:aws:s3:::<Bucket>")
    denied = evaluate(listing, identity=policies.identity[role], resource=bucket)
    assert [s.source for s in denied.denied_by] == ["BucketPolicy statement 0"]
    assert [p.source for p in bucket or []] == ["BucketPolicy"]
    asset = request(
        Principal("AWS", role), "s3:GetObject", "arn:aws:s3:::assets-111111111111-eu-west-1/k"
    )
    assert policies.resource_policies(asset.resource) is None
    assert evaluate(asset, identity=policies.identity[role], resource=None).allowed
    (trust,) = policies.resource[role]
    issuer = "oidc.eks.eu-west-1.amazonaws.com/id/<Cluster>"
    assert json.dumps(trust.statements[0].document["Condition"]) == json.dumps(
        {"StringLike": {f"{issuer}:sub": "system:serviceaccount:team:*"}}
    )


def test_base36_of_a_role_name_is_the_cli_encoding() -> None:
    assert (
        base36("EMRContainers-JobExecutionRole")
        == "189nnyj7mn9w2lqiewgg1u0l3jhmo0z69yjkj9u6qhosj8l"
    )
