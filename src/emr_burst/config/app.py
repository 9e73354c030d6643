"""``AppConfig``: every section of the reference app's configuration, read and checked together."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import aws_cdk as cdk
from constructs import Construct

from emr_burst.config import eks as _eks
from emr_burst.config import hybrid as _hybrid
from emr_burst.config import metastore as _metastore
from emr_burst.config import network as _network
from emr_burst.config import observability as _observability
from emr_burst.config import sides as _sides
from emr_burst.config.eks import EksPlatformConfig
from emr_burst.config.hybrid import HybridConfig
from emr_burst.config.metastore import MetastoreConfig
from emr_burst.config.network import NetworkConfig
from emr_burst.config.observability import ObservabilityConfig
from emr_burst.config.reader import ContextReader, as_boolean, boolean
from emr_burst.config.sides import SIDES, Side

_PREFIX_RE = re.compile(r"^[a-z][a-z0-9-]{1,18}[a-z0-9]$")

#: Every key the reader knows, without the ``emr-burst:`` prefix, by section.
KEYS_BY_SECTION: Mapping[str, tuple[str, ...]] = {
    "app": ("prefix", "removeDataOnDestroy"),
    "sides": _sides.KEYS,
    "network": _network.KEYS,
    "eks": _eks.KEYS,
    "hybrid": _hybrid.KEYS,
    "observability": _observability.KEYS,
    "metastore": _metastore.KEYS,
}
KNOWN_KEYS = frozenset(key for keys in KEYS_BY_SECTION.values() for key in keys)


def name_prefix(value: Any) -> str | None:
    """The prefix of stack IDs and resource names."""
    if not isinstance(value, str) or not _PREFIX_RE.match(value):
        return (
            "use 3-20 lowercase letters, digits or '-', starting with a letter "
            "(it prefixes stack and resource names)"
        )
    return None


@dataclass(frozen=True)
class AppConfig:
    """Everything the reference stacks need, validated."""

    prefix: str = "emr-burst"
    onprem: Side = field(default_factory=Side)
    compute: Side = field(default_factory=Side)
    producer: Side = field(default_factory=Side)
    consumer: Side = field(default_factory=Side)
    network: NetworkConfig = field(default_factory=NetworkConfig)
    hybrid: HybridConfig = field(default_factory=HybridConfig)
    availability_zones: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    remove_data_on_destroy: bool = False
    eks: EksPlatformConfig = field(default_factory=EksPlatformConfig)
    observability: ObservabilityConfig = field(default_factory=ObservabilityConfig)
    metastore: MetastoreConfig = field(default_factory=MetastoreConfig)

    @classmethod
    def from_context(cls, context: Mapping[str, Any] | Callable[[str], Any]) -> AppConfig:
        """Build the configuration from the whole context (a mapping) or a getter.

        With a mapping, ``emr-burst:*`` keys the reader does not know are errors too (a typo
        would otherwise be ignored). All problems are raised together as one
        :class:`~emr_burst.config.ConfigError`.
        """
        reader = ContextReader(context, KNOWN_KEYS)
        defaults = cls()
        sides = _sides.read_sides(reader)
        network = _network.read_network(reader)
        config = cls(
            prefix=reader.read("prefix", defaults.prefix, name_prefix),
            network=network,
            availability_zones=_sides.read_zones(reader, network.max_azs),
            remove_data_on_destroy=reader.read(
                "removeDataOnDestroy", defaults.remove_data_on_destroy, boolean, parse=as_boolean
            ),
            eks=_eks.read_eks(reader),
            hybrid=_hybrid.read_hybrid(reader, sides, network),
            observability=_observability.read_observability(reader),
            metastore=_metastore.read_metastore(reader),
            **sides,
        )
        reader.check_unknown_keys()
        reader.raise_if_any()
        return config

    @classmethod
    def from_app(cls, scope: Construct) -> AppConfig:
        """The configuration of the app ``scope`` belongs to (its whole context, so unknown
        ``emr-burst:*`` keys are caught)."""
        return cls.from_context(scope.node.get_all_context())

    @property
    def removal_policy(self) -> cdk.RemovalPolicy | None:
        """``DESTROY`` with ``removeDataOnDestroy``; otherwise ``None``, so each construct keeps its
        data by its own default (``emr_burst.core.removal``)."""
        return cdk.RemovalPolicy.DESTROY if self.remove_data_on_destroy else None

    def side(self, name: str) -> Side:
        if name not in SIDES:
            raise KeyError(f"unknown side {name!r}; expected one of {', '.join(SIDES)}")
        side: Side = getattr(self, name)
        return side

    def zones_for(self, region: str | None) -> tuple[str, ...] | None:
        """Explicit AZ names for a region, or ``None`` to select AZs at deploy time."""
        if region is None:
            return None
        return self.availability_zones.get(region)
