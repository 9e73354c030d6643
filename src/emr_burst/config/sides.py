"""Where each side of the platform is deployed: accounts, regions and, optionally, AZ names."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from emr_burst.config.reader import ContextReader, as_map
from emr_burst.core import rules
from emr_burst.core.errors import Rule

SIDES = ("onprem", "compute", "producer", "consumer")

ZONES_KEY = "availabilityZones"
KEYS = (*(f"{side}{part}" for side in SIDES for part in ("Account", "Region")), ZONES_KEY)

_AZ_RE = re.compile(r"^(?P<region>[a-z]{2}(-gov)?-[a-z]+-\d)[a-z]$")
_ZONES_EXAMPLE = '{"us-west-1": ["us-west-1b", "us-west-1c"]}'


@dataclass(frozen=True)
class Side:
    """Where one side of the platform is deployed; ``None`` leaves that part env-agnostic."""

    account: str | None = None
    region: str | None = None


def read_sides(reader: ContextReader) -> dict[str, Side]:
    """``<side>Account`` and ``<side>Region`` of every side; ``null`` or ``""`` leaves it unset."""
    return {
        name: Side(
            account=reader.read(f"{name}Account", None, rules.account, optional=True),
            region=reader.read(f"{name}Region", None, rules.region, optional=True),
        )
        for name in SIDES
    }


def zone_names(region: str) -> Rule:
    """At least two distinct AZ names of ``region``."""

    def rule(names: Any) -> str | None:
        if not isinstance(names, list) or len(names) < 2:
            return "list at least two AZ names of that region"
        bad = [n for n in names if not (m := _AZ_RE.match(str(n))) or m["region"] != region]
        if bad or rules.distinct(names) is not None:
            return f"each entry must be a distinct AZ of {region}, e.g. '{region}a'"
        return None

    return rule


def read_zones(reader: ContextReader, max_azs: int) -> dict[str, tuple[str, ...]]:
    """``availabilityZones``: optional AZ names per region (otherwise chosen at deploy time).

    A region's VPCs span ``maxAzs`` of its names, so fewer names than that is an error here
    rather than a VPC that quietly spans fewer zones.
    """
    value = reader.read(
        ZONES_KEY,
        {},
        lambda v: None if isinstance(v, dict) else f"use a JSON map such as {_ZONES_EXAMPLE}",
        parse=as_map,
        optional=True,
    )
    zones: dict[str, tuple[str, ...]] = {}
    for region, names in value.items():
        key = f"{ZONES_KEY}.{region}"
        if (fix := rules.region(region)) is not None:
            reader.fail(key, names, f"the key must be an AWS region code: {fix}")
        elif (fix := zone_names(region)(names)) is not None:
            reader.fail(key, names, fix)
        elif len(names) < max_azs and reader.ok("maxAzs"):
            reader.fail(
                key,
                names,
                f"list at least {max_azs} zones (emr-burst:maxAzs): the VPCs in {region} span "
                "that many",
            )
        else:
            zones[region] = tuple(names)
    return zones
