"""The two reference stacks read their accounts and regions from context, or take parameters."""

from __future__ import annotations

import json

import pytest

from emr_burst.core.errors import EmrBurstError
from emr_burst.stacks.reference import build_reference_app
from tests.harness.reference import BuiltApp, build, new_app

PRODUCER = "111111111111"
CONSUMER = "222222222222"


def test_accounts_from_context_are_literal_and_no_parameter_is_asked() -> None:
    built = build(
        {
            "emr-burst:producerAccount": PRODUCER,
            "emr-burst:producerRegion": "us-west-2",
            "emr-burst:computeAccount": CONSUMER,
            "emr-burst:computeRegion": "us-west-2",
            # the hybrid stacks of the same app need their accounts too (one account there)
            "emr-burst:onpremAccount": CONSUMER,
        }
    )
    producer = built.template("EmrBurstLakeFormationProducer")
    consumer = built.template("EmrBurstLakeFormationConsumer")
    assert "ConsumerAccountId" not in producer.get("Parameters", {})
    assert "ProducerAccountId" not in consumer.get("Parameters", {})
    grants = [
        r["Properties"]
        for r in producer["Resources"].values()
        if r["Type"] == "AWS::LakeFormation::PrincipalPermissions"
    ]
    assert {g["Principal"]["DataLakePrincipalIdentifier"] for g in grants} == {CONSUMER}
    links = [
        r["Properties"]["TableInput"]["TargetTable"]
        for r in consumer["Resources"].values()
        if r["Type"] == "AWS::Glue::Table"
    ]
    assert {link["CatalogId"] for link in links} == {PRODUCER}
    env = built.artifact("EmrBurstLakeFormationConsumer").environment
    assert (env.account, env.region) == (CONSUMER, "us-west-2")


def test_without_accounts_each_stack_takes_the_other_sides_account_as_a_checked_parameter(
    reference: BuiltApp,
) -> None:
    built = reference
    for stack, parameter in (
        ("EmrBurstLakeFormationProducer", "ConsumerAccountId"),
        ("EmrBurstLakeFormationConsumer", "ProducerAccountId"),
    ):
        template = built.template(stack)
        assert template["Parameters"][parameter]["AllowedPattern"] == r"^\d{12}$"
        assert json.dumps({"Ref": parameter}) in json.dumps(template["Resources"])


@pytest.mark.parametrize(
    ("context", "key"),
    [
        (
            {
                "emr-burst:consumerAccount": CONSUMER,
                "emr-burst:computeAccount": PRODUCER,
                "emr-burst:onpremAccount": PRODUCER,
            },
            "emr-burst:consumerAccount",
        ),
        (
            {"emr-burst:consumerRegion": "us-east-1", "emr-burst:computeRegion": "us-west-2"},
            "emr-burst:consumerRegion",
        ),
        (
            {"emr-burst:producerRegion": "eu-west-1", "emr-burst:computeRegion": "us-west-2"},
            "emr-burst:producerRegion",
        ),
    ],
)
def test_a_consumer_apart_from_the_platform_or_the_producer_is_refused(
    context: dict[str, str], key: str
) -> None:
    with pytest.raises(EmrBurstError) as err:
        build_reference_app(new_app(context))
    assert key in {p.prop for p in err.value.problems}


def test_producer_equal_to_consumer_from_context_is_refused() -> None:
    with pytest.raises(EmrBurstError) as err:
        build_reference_app(
            new_app({"emr-burst:producerAccount": PRODUCER, "emr-burst:consumerAccount": PRODUCER})
        )
    assert "same account" in str(err.value)
