"""EmrEksStack on its own (without the shared network stack) and its team configuration."""

from __future__ import annotations

from aws_cdk.assertions import Template

from emr_burst.config import AppConfig
from emr_burst.stacks.emr_eks_stack import EmrEksStack
from tests.harness.reference import new_app


def test_stack_builds_its_own_network_when_none_is_given() -> None:
    app = new_app()
    config = AppConfig.from_context(app.node.try_get_context)
    stack = EmrEksStack(app, "Standalone", config=config, teams=("risk",))
    template = Template.from_stack(stack)
    template.resource_count_is("AWS::EC2::VPC", 1)
    template.resource_count_is("AWS::EMRContainers::VirtualCluster", 1)
    template.has_resource_properties("AWS::IAM::Role", {"RoleName": "Standalone-risk-job"})
    template.has_output("*", {"Description": "risk: VirtualClusterId"})
