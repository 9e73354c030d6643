"""A producer and a consumer stack in two accounts, synthesized once for the governance tests."""

from __future__ import annotations

import dataclasses
import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import aws_cdk as cdk
from aws_cdk.assertions import Template

from emr_burst.governance import LakeFormationConsumer, LakeFormationFgac, LakeFormationProducer
from tests.harness.reference import new_app
from tests.unit.emr_eks.eks_app import imported_platform

PRODUCER = "111111111111"
CONSUMER = "222222222222"
REGION = "us-west-2"


@dataclass
class LakeFormationApp:
    producer: LakeFormationProducer
    fgac: LakeFormationFgac
    consumer: LakeFormationConsumer
    producer_template: Mapping[str, Any]
    consumer_template: Mapping[str, Any]

    def resources(self, side: str, kind: str) -> dict[str, dict[str, Any]]:
        template = self.producer_template if side == "producer" else self.consumer_template
        return {
            lid: r.get("Properties", {})
            for lid, r in template["Resources"].items()
            if r["Type"] == kind
        }

    def logical_id(self, construct: Any) -> str:
        element = (
            construct if isinstance(construct, cdk.CfnElement) else construct.node.default_child
        )
        return str(cdk.Stack.of(construct).get_logical_id(element))


def stacks() -> tuple[cdk.App, cdk.Stack, cdk.Stack]:
    app = new_app()
    producer = cdk.Stack(app, "Producer", env=cdk.Environment(account=PRODUCER, region=REGION))
    consumer = cdk.Stack(app, "Consumer", env=cdk.Environment(account=CONSUMER, region=REGION))
    return app, producer, consumer


@functools.cache
def lake_formation_app() -> LakeFormationApp:
    _, producer_stack, consumer_stack = stacks()
    producer = LakeFormationProducer(producer_stack, "Producer", consumer_account=CONSUMER)
    share = dataclasses.replace(producer.share, account=PRODUCER)
    fgac = LakeFormationFgac(
        consumer_stack,
        "Fgac",
        platform=imported_platform(consumer_stack),
        share=share,
        consumer_database="consumer_healthcare_db",
    )
    consumer = LakeFormationConsumer(
        consumer_stack, "Consumer", share=share, team_roles=fgac.job_roles
    )
    return LakeFormationApp(
        producer,
        fgac,
        consumer,
        Template.from_stack(producer_stack).to_json(),
        Template.from_stack(consumer_stack).to_json(),
    )


def trust(document: Any) -> dict[str, Any]:
    """A role's trust document; the IRSA ones are JSON strings joined around token references."""
    if isinstance(document, dict) and "Fn::Join" in document:
        separator, parts = document["Fn::Join"]
        document = separator.join(
            part if isinstance(part, str) else "<" + ".".join(part["Fn::GetAtt"]) + ">"
            for part in parts
        )
    parsed: dict[str, Any] = json.loads(document) if isinstance(document, str) else document
    return parsed
