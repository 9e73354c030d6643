"""Capacity: markets per workload type, enums parsed from strings, fleet and scaling checks."""

from __future__ import annotations

import pytest

from emr_burst.core.errors import Checker
from emr_burst.emr_ec2.capacity import (
    CapacityMode,
    Market,
    NodeGroup,
    ScalingLimits,
    WorkloadType,
    check_node,
    check_scaling,
    parse_choice,
)


def _checker() -> Checker:
    return Checker(None, None, "", where="test")


def test_a_string_naming_a_member_is_that_member() -> None:
    check = _checker()
    assert parse_choice(check, "workload_type", WorkloadType, "data-critical") is (
        WorkloadType.DATA_CRITICAL
    )
    assert parse_choice(check, "market", Market, "spot") is Market.SPOT
    assert check.ok


def test_fails_when_a_choice_is_unknown() -> None:
    check = _checker()
    assert parse_choice(check, "workload_type", WorkloadType, "critical") is None
    (found,) = check.problems
    assert found.prop == "workload_type"
    assert "'persistent', 'cost-driven', 'data-critical', 'test'" in found.fix


def _node(node: object, mode: CapacityMode = CapacityMode.INSTANCE_FLEETS) -> Checker:
    check = _checker()
    check_node(
        check,
        "core",
        node,
        mode=mode,
        workload_type=WorkloadType.PERSISTENT,
        release_label="emr-6.15.0",
    )
    return check


def test_node_with_list_types_and_string_market_is_normalized() -> None:
    check = _checker()
    node = check_node(
        check,
        "core",
        NodeGroup(["m5.xlarge"], 2, "SPOT"),  # type: ignore[arg-type]
        mode=CapacityMode.INSTANCE_GROUPS,
        workload_type=WorkloadType.TEST,
        release_label="emr-6.15.0",
    )
    assert check.ok
    assert node == NodeGroup(("m5.xlarge",), 2, Market.SPOT)


def test_fails_when_instance_types_is_a_string() -> None:
    (found,) = _node(NodeGroup("m5.xlarge", 2)).problems  # type: ignore[arg-type]
    assert found.prop == "core.instance_types"
    assert "expected a list of strings" in found.fix


def test_fails_when_instance_types_is_empty() -> None:
    (found,) = _node(NodeGroup((), 2)).problems
    assert "name at least one instance type" in found.fix


def test_fails_when_a_fleet_lists_too_many_types() -> None:
    (found,) = _node(NodeGroup(tuple(f"m5.{n}xlarge" for n in range(2, 33)), 2)).problems
    assert "at most 30 instance types" in found.fix


def test_fails_when_count_is_not_a_number() -> None:
    (found,) = _node(NodeGroup(("m5.xlarge",), "2")).problems  # type: ignore[arg-type]
    assert found.prop == "core.count"
    assert "whole number of at least 1" in found.fix


def test_fails_when_ebs_volume_is_outside_emr_sizes() -> None:
    (found,) = _node(NodeGroup(("m5.xlarge",), 2, ebs_volume_gib=20_000)).problems
    assert found.prop == "core.ebs_volume_gib"
    assert "1 to 16384 GiB" in found.fix


def test_fails_when_node_is_not_a_node_group() -> None:
    (found,) = _node(None).problems
    assert found.prop == "core"
    assert "NodeGroup" in found.fix


def test_fails_when_market_is_unknown() -> None:
    (found,) = _node(NodeGroup(("m5.xlarge",), 2, "RESERVED")).problems
    assert found.prop == "core.market"
    assert "'ON_DEMAND', 'SPOT'" in found.fix


@pytest.mark.parametrize(
    ("limits", "prop", "fix"),
    [
        (ScalingLimits(5, 2), "managed_scaling.minimum", "must not exceed maximum 2"),
        (ScalingLimits(0, 2), "managed_scaling.minimum", "at least 1"),
        (ScalingLimits(1, 4, maximum_core=5), "managed_scaling.maximum_core", "0 to 4"),
        ({"minimum": 1}, "managed_scaling", "ScalingLimits"),
    ],
)
def test_fails_when_scaling_limits_are_wrong(limits: object, prop: str, fix: str) -> None:
    check = _checker()
    check_scaling(check, limits)
    (found,) = check.problems
    assert (found.prop, fix in found.fix) == (prop, True)
