"""The AZ-safe stack: availability zones that never need an AWS lookup at synth time."""

from __future__ import annotations

from collections.abc import Sequence

import aws_cdk as cdk
from constructs import Construct

#: How many AZs a stack offers its VPCs when no names are configured for its region.
DEFAULT_AZ_COUNT = 3


class BurstStack(cdk.Stack):
    """A stack whose availability zones never need an AWS lookup at synth time.

    With a concrete account and region, ``cdk.Stack`` asks the AWS account which AZs exist, which
    fails without credentials. Here the zones are either the names given in configuration or
    ``Fn::Select`` over ``Fn::GetAZs``, resolved by CloudFormation at deploy time in the target
    account, the same thing an environment-agnostic stack does.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        availability_zone_names: Sequence[str] | None = None,
        **kwargs: object,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)  # type: ignore[arg-type]
        self._zone_names = tuple(availability_zone_names or ())

    @property
    def availability_zones(self) -> list[str]:
        if self._zone_names:
            return list(self._zone_names)
        return [cdk.Fn.select(i, cdk.Fn.get_azs(self.region)) for i in range(DEFAULT_AZ_COUNT)]
