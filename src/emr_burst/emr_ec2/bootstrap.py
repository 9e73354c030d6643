"""Bootstrap actions of an EMR on EC2 cluster, and the protocol of catalogs that add their own."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from emr_burst.core import rules
from emr_burst.core.errors import Checker

if TYPE_CHECKING:
    from emr_burst.emr_ec2.cluster import EmrCluster

#: EMR runs at most this many bootstrap actions per cluster.
MAX_BOOTSTRAP_ACTIONS = 16
#: ``Name`` of a bootstrap action, step or cluster (EMR API length constraint).
MAX_NAME_CHARS = 256


@dataclass(frozen=True)
class BootstrapAction:
    """A script EMR runs on every node before installing applications."""

    name: str
    path: str
    args: tuple[str, ...] = ()


class ClusterCatalog(Protocol):
    """A query-engine catalog that a cluster writes at bootstrap (e.g. an ``EngineCatalog``).

    ``check`` records the catalog's problems under ``prop``; ``bind`` is called once the cluster
    exists and returns the bootstrap action that writes the catalog.
    """

    @property
    def name(self) -> str: ...

    def check(self, check: Checker, prop: str, applications: Sequence[str]) -> None: ...

    def bind(self, cluster: EmrCluster) -> BootstrapAction: ...


def emr_name(value: Any) -> str | None:
    """A name EMR accepts for a cluster, step or bootstrap action: 1-256 characters."""
    if rules.unresolved(value):
        return None
    if not isinstance(value, str) or not 1 <= len(value) <= MAX_NAME_CHARS:
        return f"use a name of 1 to {MAX_NAME_CHARS} characters"
    return None


def script_path(value: Any) -> str | None:
    """Where a bootstrap script is: an S3 object, or a ``file:/`` path on the node."""
    if isinstance(value, str) and value.startswith("file:/"):
        return None
    return rules.s3_object_uri(value)


def check_actions(check: Checker, actions: Any) -> tuple[BootstrapAction, ...]:
    """Record the problems of ``bootstrap_actions``; return them as a tuple."""
    if not check.rule("bootstrap_actions", actions, rules.sequence("BootstrapAction(...)")):
        return ()
    for index, action in enumerate(actions):
        prop = f"bootstrap_actions[{index}]"
        example = "BootstrapAction('Install x', 's3://my-bucket/install.sh')"
        if check.rule(prop, action, rules.instance_of(BootstrapAction, example)):
            check.rule(f"{prop}.name", action.name, emr_name)
            check.rule(f"{prop}.path", action.path, script_path)
            check.rule(f"{prop}.args", action.args, rules.string_list("--verbose"))
    return tuple(actions)
