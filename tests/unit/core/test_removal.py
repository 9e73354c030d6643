"""``data_removal_policy``: a wrong type is an EmrBurstError before aws-cdk-lib sees it."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest

from emr_burst.core.errors import EmrBurstError
from emr_burst.core.removal import data_removal_policy


@pytest.mark.parametrize("value", ["destroy", "DESTROY", 1, True])
def test_fails_on_a_removal_policy_that_is_not_a_removal_policy(value: Any) -> None:
    stack = cdk.Stack(cdk.App(), "Removal")
    with pytest.raises(
        EmrBurstError, match=r"removal_policy = .*: pass a cdk.RemovalPolicy"
    ) as err:
        data_removal_policy(stack, value)
    assert [p.prop for p in err.value.problems] == ["removal_policy"]


def test_none_and_policies_still_work() -> None:
    stack = cdk.Stack(cdk.App(), "Removal")
    assert data_removal_policy(stack, None) is cdk.RemovalPolicy.RETAIN
    assert data_removal_policy(stack, cdk.RemovalPolicy.DESTROY) is cdk.RemovalPolicy.RETAIN
