"""The one protocol by which a capability changes what a team's jobs carry.

An extension is any object with ``bind(target) -> Contribution``. ``team.add_extension(x)`` binds
it to the team (every job template of the team, and every job role those templates use);
``template.add_extension(x)`` binds it to one job template. The team or template applies the
returned :class:`Contribution`: Spark properties, configuration classifications, pod-template
changes, IAM and trust statements for the job roles, and Kubernetes objects for the namespace.

Example::

    class EventLogs:
        def __init__(self, uri: str) -> None:
            self.uri = uri

        def bind(self, target: IJobTarget) -> Contribution:
            return Contribution(
                spark_conf={"spark.eventLog.enabled": "true", "spark.eventLog.dir": self.uri},
            )

    team.add_extension(EventLogs("s3://logs/spark/"))
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from aws_cdk import aws_iam as iam

from emr_burst.core.errors import Checker
from emr_burst.emr_eks.classification import Classification
from emr_burst.emr_eks.pod_template import PodChange

if TYPE_CHECKING:
    from emr_burst.emr_eks.platform import IEmrEksPlatform


@dataclass(frozen=True)
class Contribution:
    """What one extension adds to a team or job template (every field optional).

    :param spark_conf: ``spark-defaults`` properties.
    :param classifications: other configuration classifications (``emr-job-submitter``,
        ``emr-containers-defaults``, ``spark-log4j2``, ...); properties of the same
        classification merge.
    :param driver: a change to the driver pod template.
    :param executor: a change to the executor pod template.
    :param policy_statements: added to every job role of the target.
    :param trust_statements: added to the trust policy of every job role of the target.
    :param manifests: Kubernetes objects applied to the target's namespace (objects without a
        namespace are put there).
    """

    spark_conf: Mapping[str, str] = field(default_factory=dict)
    classifications: Sequence[Classification] = ()
    driver: PodChange | None = None
    executor: PodChange | None = None
    policy_statements: Sequence[iam.PolicyStatement] = ()
    trust_statements: Sequence[iam.PolicyStatement] = ()
    manifests: Sequence[Mapping[str, Any]] = ()

    def check(self, check: Checker, prop: str) -> None:
        """Record the problems of this contribution's shape under ``<prop>.<field>``."""
        if not isinstance(self.spark_conf, Mapping):
            check.add(f"{prop}.spark_conf", self.spark_conf, "pass a mapping of strings")
        for index, item in enumerate(
            _items(check, f"{prop}.classifications", self.classifications)
        ):
            if not isinstance(item, Classification):
                check.add(f"{prop}.classifications[{index}]", item, "pass Classification(...)")
        for name in ("driver", "executor"):
            change = getattr(self, name)
            if change is not None and not isinstance(change, PodChange):
                check.add(f"{prop}.{name}", change, "pass a PodChange(...) or None")
        for name in ("policy_statements", "trust_statements"):
            for index, item in enumerate(_items(check, f"{prop}.{name}", getattr(self, name))):
                if not isinstance(item, iam.PolicyStatement):
                    check.add(f"{prop}.{name}[{index}]", item, "pass iam.PolicyStatement objects")
        for index, item in enumerate(_items(check, f"{prop}.manifests", self.manifests)):
            if not isinstance(item, Mapping) or "kind" not in item or "apiVersion" not in item:
                check.add(
                    f"{prop}.manifests[{index}]",
                    item,
                    "pass Kubernetes objects as dicts with apiVersion, kind and metadata",
                )


def _items(check: Checker, prop: str, value: Any) -> Sequence[Any]:
    if isinstance(value, (str, Mapping)) or not isinstance(value, Sequence):
        check.add(prop, value, "pass a list")
        return ()
    return value


@runtime_checkable
class IJobTarget(Protocol):
    """What an extension may read of the team or job template it is bound to."""

    @property
    def namespace(self) -> str: ...

    @property
    def platform(self) -> IEmrEksPlatform: ...

    @property
    def spark_conf(self) -> Mapping[str, str]: ...


@runtime_checkable
class ITeamExtension(Protocol):
    """A capability that changes a team's jobs: ``bind`` returns what it contributes."""

    def bind(self, target: IJobTarget) -> Contribution: ...


def describe(extension: object) -> str:
    """How messages name an extension: its class, and its ``name`` when it has one."""
    name = getattr(extension, "name", None)
    kind = type(extension).__name__
    return f"{kind} {name!r}" if isinstance(name, str) else kind
