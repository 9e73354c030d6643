"""The base36 encoding of role names and the naming rules of EMR on EKS."""

from __future__ import annotations

import aws_cdk as cdk
import pytest
from hypothesis import given
from hypothesis import strategies as st

from emr_burst.core import rules
from emr_burst.emr_eks import naming

#: IAM role-name characters.
ROLE_CHARS = st.sampled_from(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+=,.@_-"
)
role_names = st.text(ROLE_CHARS, min_size=1, max_size=64)


def test_base36_matches_the_aws_cli_example() -> None:
    # The value FACTS.md records for the EMR guide's example role.
    assert (
        naming.base36_encode("EMRContainers-JobExecutionRole")
        == "189nnyj7mn9w2lqiewgg1u0l3jhmo0z69yjkj9u6qhosj8l"
    )


def test_base36_of_a_known_role_matches_an_independent_computation() -> None:
    name = "emr-burst-analytics-job"
    encoded = naming.base36_encode(name)
    # Independent path: Python parses base 36 and reads the bytes as a big-endian integer.
    assert int(encoded, 36) == int.from_bytes(name.encode("ascii"), "big")
    # And the literal `bc` gives for the same bytes (obase=36 on the hex of the name).
    assert encoded == "3acf5tnorhzxngbx04ooyki647gg85dlc28y"


@given(role_names)
def test_base36_round_trips_every_role_name(name: str) -> None:
    encoded = naming.base36_encode(name)
    assert set(encoded) <= set("0123456789abcdefghijklmnopqrstuvwxyz")
    assert naming.base36_decode(encoded) == name
    assert int(encoded, 36) == int.from_bytes(name.encode("ascii"), "big")


@given(role_names, role_names)
def test_base36_differs_for_different_names(first: str, second: str) -> None:
    if first != second:
        assert naming.base36_encode(first) != naming.base36_encode(second)


def test_fails_when_base36_is_asked_of_a_token() -> None:
    with pytest.raises(naming.UnresolvedNameError, match="CDK token"):
        naming.base36_encode(cdk.Aws.STACK_NAME)
    with pytest.raises(naming.UnresolvedNameError):
        naming.service_account_pattern("analytics", "123456789012", cdk.Aws.REGION)


def test_service_account_pattern_is_emr_exact_pattern() -> None:
    assert naming.service_account_pattern(
        "analytics", "123456789012", "EMRContainers-JobExecutionRole"
    ) == (
        "system:serviceaccount:analytics:emr-containers-sa-*-*-123456789012-"
        "189nnyj7mn9w2lqiewgg1u0l3jhmo0z69yjkj9u6qhosj8l"
    )


def test_service_account_names_cover_client_driver_and_executor() -> None:
    names = naming.service_account_names("123456789012", "r")
    assert names == {
        "client": "emr-containers-sa-spark-client-123456789012-36",
        "driver": "emr-containers-sa-spark-driver-123456789012-36",
        "executor": "emr-containers-sa-spark-executor-123456789012-36",
    }


@pytest.mark.parametrize(
    ("namespace", "fragment"),
    [
        ("default", "belong to Kubernetes"),
        ("kube-system", "belong to Kubernetes"),
        ("kube-public", "belong to Kubernetes"),
        ("Analytics", "a DNS-1123 label"),
        ("team_a", "DNS-1123"),
        ("-team", "DNS-1123"),
        ("a" * 64, "DNS-1123"),
        ("", "DNS-1123"),
    ],
)
def test_fails_when_namespace_is_not_dns1123_or_reserved(namespace: str, fragment: str) -> None:
    problems = [p for p in [rules.namespace(namespace)] if p]
    assert any(fragment in p for p in problems), problems


def test_valid_namespaces_have_no_problems() -> None:
    assert rules.namespace("analytics") is None
    assert rules.namespace("data-science-2") is None


def test_fails_when_role_name_is_too_long_invalid_or_a_token() -> None:
    assert "at most 64 characters, this has 65" in str(rules.role_name("r" * 65))
    assert "letters, digits" in str(rules.role_name("team role"))
    assert "CDK token" in str(rules.role_name(cdk.Aws.STACK_NAME))
    assert rules.role_name("r" * 64) is None


def test_fails_when_role_name_has_non_ascii_letters() -> None:
    assert "letters, digits" in str(rules.role_name("équipe-job"))
