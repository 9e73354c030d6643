"""The critical path of a CloudFormation template: the longest chain of dependencies, weighted by
rough creation times per resource type, which bounds how long a first deploy takes.

Dependencies are ``DependsOn`` and every ``Ref`` / ``Fn::GetAtt`` / ``Fn::Sub`` reference. The
times are orders of magnitude from experience and AWS documentation (an EKS cluster takes about ten
minutes to create, an IAM role seconds); they rank chains, they do not predict a deploy.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from typing import Any

#: Rough creation seconds by resource type; anything else counts DEFAULT_SECONDS.
CREATION_SECONDS = {
    "AWS::EKS::Cluster": 600,
    "AWS::EKS::Nodegroup": 240,
    "AWS::EKS::Addon": 60,
    "AWS::EKS::AccessEntry": 10,
    "AWS::EMR::Cluster": 600,
    "AWS::EC2::NatGateway": 120,
    "AWS::EC2::VPCEndpoint": 90,
    "AWS::EC2::VPCPeeringConnection": 30,
    "AWS::Lambda::Function": 30,
    "AWS::IAM::Role": 15,
    "AWS::IAM::ManagedPolicy": 10,
    "AWS::KMS::Key": 10,
    "AWS::EMRContainers::VirtualCluster": 30,
    "Custom::AWSCDK-EKS-KubernetesResource": 45,
    "Custom::AWSCDK-EKS-HelmChart": 120,
    "Custom::AWS": 20,
}
DEFAULT_SECONDS = 5
_SUB_REF = re.compile(r"\$\{([A-Za-z0-9]+)(\.[A-Za-z0-9.]+)?\}")


def _references(value: Any, names: set[str]) -> set[str]:
    found: set[str] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "Ref" and item in names:
                found.add(item)
            elif key == "Fn::GetAtt":
                target = item[0] if isinstance(item, list) else str(item).split(".")[0]
                if target in names:
                    found.add(target)
            elif key == "Fn::Sub":
                text = item[0] if isinstance(item, list) else item
                found |= {m[1] for m in _SUB_REF.finditer(str(text)) if m[1] in names}
                if isinstance(item, list) and len(item) > 1:
                    found |= _references(item[1], names)
            else:
                found |= _references(item, names)
    elif isinstance(value, list):
        for item in value:
            found |= _references(item, names)
    return found


def dependencies(template: Mapping[str, Any]) -> dict[str, set[str]]:
    """What each resource waits for, by logical ID."""
    resources = template.get("Resources", {})
    names = set(resources)
    graph = {}
    for logical_id, resource in resources.items():
        depends = resource.get("DependsOn", [])
        depends = [depends] if isinstance(depends, str) else depends
        graph[logical_id] = (set(depends) | _references(resource.get("Properties", {}), names)) - {
            logical_id
        }
    return graph


def critical_path(template: Mapping[str, Any]) -> tuple[int, list[tuple[str, str]]]:
    """``(seconds, [(logical id, type), ...])`` of the longest chain, first resource first."""
    resources = template.get("Resources", {})
    graph = dependencies(template)

    @functools.cache
    def longest(logical_id: str) -> tuple[int, tuple[str, ...]]:
        own = CREATION_SECONDS.get(resources[logical_id]["Type"], DEFAULT_SECONDS)
        best: tuple[int, tuple[str, ...]] = (0, ())
        for dependency in graph[logical_id]:
            best = max(best, longest(dependency))
        return best[0] + own, (*best[1], logical_id)

    if not resources:
        return 0, []
    seconds, chain = max(longest(logical_id) for logical_id in resources)
    return seconds, [(logical_id, resources[logical_id]["Type"]) for logical_id in chain]
