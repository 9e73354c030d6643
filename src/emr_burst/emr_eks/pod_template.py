"""Spark pod templates as objects: changed by teams, templates and extensions until synth.

A :class:`PodTemplate` is a list of :class:`PodChange` s applied in order to a bare Spark pod. Two
changes that set the same label, annotation, scheduler, container or volume differently are an
error naming both sources, so two capabilities can never silently overwrite each other.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from emr_burst.core import rules
from emr_burst.core.errors import Checker, EmrBurstError, Problem


class PodRole(enum.Enum):
    """The Spark pods a pod template shapes, with the container name Spark gives each."""

    DRIVER = "driver"
    EXECUTOR = "executor"

    @property
    def container_name(self) -> str:
        return f"spark-kubernetes-{self.value}"


@dataclass(frozen=True)
class PodChange:
    """One change to a Spark pod template (every field optional).

    :param labels: pod labels. :param annotations: pod annotations (e.g. a scheduler queue).
    :param scheduler_name: ``spec.schedulerName`` (e.g. ``yunikorn``).
    :param node_selector: added node selector terms. :param tolerations: added tolerations.
    :param containers: sidecar containers (full container specs with a ``name``).
    :param init_containers: init containers (full specs with a ``name``).
    :param volumes: pod volumes (specs with a ``name``).
    :param volume_mounts: mounts added to the Spark container (``name`` and ``mountPath``).
    :param env: environment variables of the Spark container.
    """

    labels: Mapping[str, str] = field(default_factory=dict)
    annotations: Mapping[str, str] = field(default_factory=dict)
    scheduler_name: str | None = None
    node_selector: Mapping[str, str] = field(default_factory=dict)
    tolerations: Sequence[Mapping[str, Any]] = ()
    containers: Sequence[Mapping[str, Any]] = ()
    init_containers: Sequence[Mapping[str, Any]] = ()
    volumes: Sequence[Mapping[str, Any]] = ()
    volume_mounts: Sequence[Mapping[str, Any]] = ()
    env: Mapping[str, str] = field(default_factory=dict)

    def check(self, check: Checker, prop: str) -> None:
        """Record the problems of this change under ``<prop>.<field>``."""
        for name in ("labels", "annotations", "node_selector", "env"):
            value = getattr(self, name)
            if not isinstance(value, Mapping):
                check.add(f"{prop}.{name}", value, "pass a mapping of strings to strings")
                continue
            for key, item in value.items():
                if name == "env":
                    if not isinstance(key, str) or not key.replace("_", "a").isalnum():
                        check.add(f"{prop}.env", key, "use letters, digits and '_' (env names)")
                else:
                    check.rule(f"{prop}.{name} key", key, rules.label_key)
                if not isinstance(item, str):
                    check.add(f"{prop}.{name}[{key!r}]", item, "values are strings")
                elif name in ("labels", "node_selector"):
                    check.rule(f"{prop}.{name}[{key!r}]", item, rules.label_value)
        if self.scheduler_name is not None:
            check.rule(f"{prop}.scheduler_name", self.scheduler_name, rules.dns_label)
        for name in ("tolerations", "containers", "init_containers", "volumes", "volume_mounts"):
            value = getattr(self, name)
            if isinstance(value, (str, Mapping)) or not isinstance(value, Sequence):
                check.add(f"{prop}.{name}", value, "pass a list of Kubernetes objects (dicts)")
                continue
            for index, item in enumerate(value):
                if not isinstance(item, Mapping):
                    check.add(f"{prop}.{name}[{index}]", item, "pass a dict")
                elif name != "tolerations" and not isinstance(item.get("name"), str):
                    check.add(f"{prop}.{name}[{index}]", item, "give it a 'name'")
                elif name in ("containers", "init_containers", "volumes"):
                    check.rule(f"{prop}.{name}[{index}].name", item["name"], rules.dns_label)


@dataclass
class _Applied:
    change: PodChange
    source: str


class PodTemplate:
    """The pod template of one Spark role (driver or executor), built from changes until synth.

    Example::

        team.driver_pod_template.add(PodChange(annotations={"yunikorn.apache.org/queue": "root.a"}),
                                     source="YuniKorn queue root.a")
    """

    def __init__(
        self, role: PodRole, *, owner: str, on_change: Callable[[], None] | None = None
    ) -> None:
        self.role = role
        self.owner = owner
        self._on_change = on_change
        self._changes: list[_Applied] = []

    @property
    def changes(self) -> tuple[PodChange, ...]:
        return tuple(applied.change for applied in self._changes)

    def add(self, change: PodChange, *, source: str = "") -> None:
        """Add a change; it is checked now, and against the other changes when rendered."""
        check = Checker(None, None, "", where=f"{self.owner} {self.role.value} pod template")
        if not isinstance(change, PodChange):
            check.add("change", change, "pass a PodChange(...)")
        else:
            change.check(check, "change")
        check.raise_if_any()
        self._changes.append(_Applied(change, source or "user"))
        try:
            # Conflicts surface at the call that adds the conflicting change, which is undone.
            self.render()
            if self._on_change is not None:
                self._on_change()
        except EmrBurstError:
            self._changes.pop()
            raise

    def extend(self, other: PodTemplate) -> None:
        """Take every change of ``other`` (a team's template under a job template's own)."""
        for applied in other._changes:
            self.add(applied.change, source=applied.source)

    def add_label(self, key: str, value: str, *, source: str = "") -> None:
        self.add(PodChange(labels={key: value}), source=source)

    def add_annotation(self, key: str, value: str, *, source: str = "") -> None:
        self.add(PodChange(annotations={key: value}), source=source)

    def set_scheduler_name(self, name: str, *, source: str = "") -> None:
        self.add(PodChange(scheduler_name=name), source=source)

    def add_sidecar(self, container: Mapping[str, Any], *, source: str = "") -> None:
        self.add(PodChange(containers=[container]), source=source)

    def add_init_container(self, container: Mapping[str, Any], *, source: str = "") -> None:
        self.add(PodChange(init_containers=[container]), source=source)

    def add_volume(
        self, volume: Mapping[str, Any], mount: Mapping[str, Any] | None = None, *, source: str = ""
    ) -> None:
        """Add a pod volume, optionally mounted into the Spark container."""
        self.add(PodChange(volumes=[volume], volume_mounts=[mount] if mount else []), source=source)

    def render(self) -> dict[str, Any]:
        """The pod template as a Kubernetes Pod object."""
        pod = _PodBuilder(self.role, f"{self.owner} {self.role.value} pod template")
        for applied in self._changes:
            pod.apply(applied.change, applied.source)
        return pod.finish()


class _PodBuilder:
    """Applies changes to a bare Spark pod, recording conflicts between sources."""

    def __init__(self, role: PodRole, where: str) -> None:
        self.role = role
        self.where = where
        self.problems: list[Problem] = []
        self.labels: dict[str, tuple[str, str]] = {}
        self.annotations: dict[str, tuple[str, str]] = {}
        self.node_selector: dict[str, tuple[str, str]] = {}
        self.env: dict[str, tuple[str, str]] = {}
        self.scheduler: tuple[str, str] | None = None
        self.tolerations: list[dict[str, Any]] = []
        self.named: dict[str, dict[str, tuple[dict[str, Any], str]]] = {
            "containers": {},
            "init_containers": {},
            "volumes": {},
            "volume_mounts": {},
        }

    def _set(
        self, kind: str, table: dict[str, tuple[str, str]], key: str, value: str, src: str
    ) -> None:
        if key in table and table[key][0] != value:
            self.problems.append(
                Problem(
                    self.where,
                    f"{kind}[{key!r}]",
                    value,
                    f"{table[key][1]} already set it to {table[key][0]!r}; two capabilities "
                    "disagree: configure one of them differently",
                )
            )
            return
        table[key] = (value, src)

    def apply(self, change: PodChange, source: str) -> None:
        for key, value in change.labels.items():
            self._set("labels", self.labels, key, value, source)
        for key, value in change.annotations.items():
            self._set("annotations", self.annotations, key, value, source)
        for key, value in change.node_selector.items():
            self._set("node_selector", self.node_selector, key, value, source)
        for key, value in change.env.items():
            self._set("env", self.env, key, value, source)
        if change.scheduler_name is not None:
            if self.scheduler is not None and self.scheduler[0] != change.scheduler_name:
                self.problems.append(
                    Problem(
                        self.where,
                        "scheduler_name",
                        change.scheduler_name,
                        f"{self.scheduler[1]} already chose {self.scheduler[0]!r}; a pod has "
                        "one scheduler",
                    )
                )
            else:
                self.scheduler = (change.scheduler_name, source)
        for toleration in change.tolerations:
            if dict(toleration) not in self.tolerations:
                self.tolerations.append(dict(toleration))
        for kind in self.named:
            for item in getattr(change, kind):
                name = item.get("name") if kind != "volume_mounts" else item.get("mountPath")
                table = self.named[kind]
                if name in table and table[name][0] != dict(item):
                    self.problems.append(
                        Problem(
                            self.where,
                            f"{kind}[{name!r}]",
                            dict(item),
                            f"{table[name][1]} already defines a different one; use another name",
                        )
                    )
                elif name is not None:
                    table[name] = (dict(item), source)

    def finish(self) -> dict[str, Any]:
        volumes = {name for name in self.named["volumes"]}
        for mount, (item, src) in self.named["volume_mounts"].items():
            if item.get("name") not in volumes:
                self.problems.append(
                    Problem(
                        self.where,
                        f"volume_mounts[{mount!r}]",
                        item,
                        f"({src}) mounts volume {item.get('name')!r}, which no change defines; "
                        "add the volume too",
                    )
                )
        if self.role.container_name in self.named["containers"]:
            self.problems.append(
                Problem(
                    self.where,
                    "containers",
                    self.role.container_name,
                    "that is Spark's own container; name the sidecar differently",
                )
            )
        if self.problems:
            raise EmrBurstError(self.problems)
        main: dict[str, Any] = {"name": self.role.container_name}
        if self.env:
            main["env"] = [{"name": k, "value": v} for k, (v, _) in sorted(self.env.items())]
        if self.named["volume_mounts"]:
            main["volumeMounts"] = [item for item, _ in self.named["volume_mounts"].values()]
        spec: dict[str, Any] = {
            "containers": [main, *(item for item, _ in self.named["containers"].values())]
        }
        if self.named["init_containers"]:
            spec["initContainers"] = [item for item, _ in self.named["init_containers"].values()]
        if self.named["volumes"]:
            spec["volumes"] = [item for item, _ in self.named["volumes"].values()]
        if self.node_selector:
            spec["nodeSelector"] = {k: v for k, (v, _) in self.node_selector.items()}
        if self.tolerations:
            spec["tolerations"] = self.tolerations
        if self.scheduler is not None:
            spec["schedulerName"] = self.scheduler[0]
        metadata: dict[str, Any] = {"name": self.role.container_name}
        if self.labels:
            metadata["labels"] = {k: v for k, (v, _) in self.labels.items()}
        if self.annotations:
            metadata["annotations"] = {k: v for k, (v, _) in self.annotations.items()}
        return {"apiVersion": "v1", "kind": "Pod", "metadata": metadata, "spec": spec}


def placement_change(
    node_selector: Mapping[str, str], tolerations: Sequence[Mapping[str, str]]
) -> PodChange:
    """The change that pins a Spark pod to its node pool."""
    return PodChange(node_selector=dict(node_selector), tolerations=[dict(t) for t in tolerations])


def placement_pod_template(role: PodRole, placement: Any) -> dict[str, Any]:
    """The bare pod template of ``role`` on a platform's :class:`SparkPlacement`."""
    template = PodTemplate(role, owner="placement")
    if role is PodRole.DRIVER:
        change = placement_change(placement.driver_node_selector, placement.driver_tolerations)
    else:
        change = placement_change(placement.executor_node_selector, placement.executor_tolerations)
    template.add(change, source="platform placement")
    return template.render()


def driver_pod_template(placement: Any) -> dict[str, Any]:
    return placement_pod_template(PodRole.DRIVER, placement)


def executor_pod_template(placement: Any) -> dict[str, Any]:
    return placement_pod_template(PodRole.EXECUTOR, placement)
