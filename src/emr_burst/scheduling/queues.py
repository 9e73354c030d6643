"""YuniKorn queues as typed objects: checked at synth, rendered to the scheduler's ``queues.yaml``.

A :class:`Queue` has guaranteed and maximum resources (vCPU and memory with explicit units), a
priority (YuniKorn's ``priority.offset``), an application sort policy (``application.sort.policy``:
FIFO or fair), a preemption policy, submit and admin ACLs and children. :func:`check_tree` reports
every problem of a tree at once, each naming the queue (``root.analytics-queue``);
:func:`queues_yaml` renders the tree and the placement rules into the document YuniKorn reads from
the ``queues.yaml`` key of its ``yunikorn-configs`` ConfigMap.

Example::

    Queue("analytics-queue",
          guaranteed=QueueResources(vcore=10, memory="38Gi"),
          max=QueueResources(vcore=24, memory="96Gi"),
          priority=100, sort_policy=SortPolicy.FIFO)
"""

from __future__ import annotations

import enum
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from emr_burst.core import rules
from emr_burst.core.errors import Checker

ROOT = "root"
#: Queue paths travel as the ``yunikorn.apache.org/queue`` label, so a name must be a valid
#: YuniKorn queue name *and* fit a Kubernetes label value (no ``:#/@``, which YuniKorn allows).
_NAME_RE = re.compile(r"^[a-z0-9]([a-z0-9_-]*[a-z0-9])?$")
NAME_MAX = 64
LABEL_VALUE_MAX = 63
PRIORITY_RANGE = (-(2**31), 2**31 - 1)
_ACL_NAME = r"[A-Za-z_][A-Za-z0-9_:#/@.$-]*"
_ACL_RE = re.compile(rf"^(\*|{_ACL_NAME}(,{_ACL_NAME})*)?( ({_ACL_NAME}(,{_ACL_NAME})*)?)?$")


class SortPolicy(enum.Enum):
    """How a leaf queue orders its applications (``application.sort.policy``)."""

    FIFO = "fifo"
    FAIR = "fair"


class PreemptionPolicy(enum.Enum):
    """``preemption.policy``: ``DEFAULT`` lets the queue's tasks preempt and be preempted;
    ``FENCE`` keeps preemption inside the queue's subtree; ``DISABLED`` makes its tasks no
    victims."""

    DEFAULT = "default"
    FENCE = "fence"
    DISABLED = "disabled"


@dataclass(frozen=True)
class QueueResources:
    """An amount of vCPU and memory, e.g. ``QueueResources(vcore=10, memory="38Gi")``.

    :param vcore: vCPU: a whole number (``10``) or millicores (``"1500m"``).
    :param memory: a whole amount with an explicit unit: ``"38Gi"`` (GiB) or ``"38G"`` (10^9
        bytes); ``"1536Mi"``, not ``"1.5Gi"`` (YuniKorn reads whole numbers only).
    """

    vcore: float | str
    memory: str

    def check(self, check: Checker, prop: str) -> bool:
        ok = check.rule(f"{prop}.vcore", self.vcore, rules.cpu_quantity) and check.rule(
            f"{prop}.vcore", self.vcore, rules.whole_quantity
        )
        return (
            check.rule(f"{prop}.memory", self.memory, rules.memory_quantity)
            and check.rule(f"{prop}.memory", self.memory, rules.whole_quantity)
            and ok
        )

    @property
    def cpu(self) -> float:
        return rules.cpu_amount(self.vcore)

    @property
    def memory_bytes(self) -> float:
        return rules.parse_quantity(self.memory)

    def render(self) -> dict[str, str]:
        vcore = self.vcore
        if isinstance(vcore, float) and vcore.is_integer():
            vcore = int(vcore)
        return {"memory": self.memory, "vcore": str(vcore)}

    def exceeds(self, other: QueueResources) -> list[str]:
        """The resources (``vcore``, ``memory``) of which this amount is above ``other``."""
        over = []
        if self.cpu > other.cpu + 1e-9:
            over.append("vcore")
        if self.memory_bytes > other.memory_bytes:
            over.append("memory")
        return over


def total(amounts: Sequence[QueueResources]) -> QueueResources:
    """The sum of ``amounts`` (millicores and bytes, so any units add up)."""
    millicores = round(sum(a.cpu for a in amounts) * 1000)
    memory = sum(a.memory_bytes for a in amounts)
    return QueueResources(vcore=f"{millicores}m", memory=_bytes_text(memory))


def _bytes_text(value: float) -> str:
    for unit, size in (("Gi", 2**30), ("Mi", 2**20), ("Ki", 2**10)):
        if value and value % size == 0:
            return f"{int(value // size)}{unit}"
    return str(int(value))


def describe_resources(amount: QueueResources) -> str:
    """``10 vCPU / 38 GiB``: how messages show an amount."""
    return f"{amount.cpu:g} vCPU / {amount.memory_bytes / 2**30:g} GiB"


@dataclass(frozen=True)
class Queue:
    """One YuniKorn queue below ``root``; a queue with children is a parent, others are leaves.

    :param name: 1-64 lowercase letters, digits, '-' and '_' (no '.': it separates queue levels).
    :param guaranteed: resources the queue always gets (and preemption restores). Default: - none.
    :param max: hard limit of the queue's usage. Default: - the parent's (the cluster for root).
    :param priority: ``priority.offset`` against sibling queues; higher runs first.
        Default: - 0.
    :param sort_policy: order of applications in a leaf. Default: - ``SortPolicy.FIFO``.
    :param preemption: ``preemption.policy``. Default: - YuniKorn's (``default``).
    :param preemption_delay: how long a request waits before it may preempt (a Go duration such as
        ``30s``, leaf queues only). Default: - YuniKorn's 30s.
    :param submit_acl: who may submit (``"*"``, ``"user1,user2 group1"``).
        Default: - inherited from the parent.
    :param admin_acl: who may administer. Default: - inherited from the parent.
    :param max_applications: running applications at most. Default: - no limit.
    :param children: child queues. Default: - none (a leaf).
    """

    name: str
    guaranteed: QueueResources | None = None
    max: QueueResources | None = None
    priority: int | None = None
    sort_policy: SortPolicy | str = SortPolicy.FIFO
    preemption: PreemptionPolicy | str | None = None
    preemption_delay: str | None = None
    submit_acl: str | None = None
    admin_acl: str | None = None
    max_applications: int | None = None
    children: Sequence[Queue] = field(default_factory=tuple)

    @property
    def is_leaf(self) -> bool:
        return not self.children

    def properties(self) -> dict[str, str]:
        """YuniKorn queue properties of this queue (values already checked)."""
        props: dict[str, str] = {}
        if self.is_leaf:
            policy = rules.choice(SortPolicy, self.sort_policy)
            assert isinstance(policy, SortPolicy)
            props["application.sort.policy"] = policy.value
        if self.priority is not None:
            props["priority.offset"] = str(self.priority)
        if self.preemption is not None:
            preemption = rules.choice(PreemptionPolicy, self.preemption)
            assert isinstance(preemption, PreemptionPolicy)
            props["preemption.policy"] = preemption.value
        if self.preemption_delay is not None:
            props["preemption.delay"] = self.preemption_delay
        return props


class PlacementKind(enum.Enum):
    PROVIDED = "provided"
    FIXED = "fixed"
    TAG = "tag"


@dataclass(frozen=True)
class PlacementRule:
    """One YuniKorn placement rule; rules are tried in order until one places the application.

    Use the factories: ``PlacementRule.provided()`` (the queue the pod names),
    ``PlacementRule.fixed("root.default")``, ``PlacementRule.tag("namespace")``.
    """

    kind: PlacementKind
    create: bool = False
    value: str | None = None

    @classmethod
    def provided(cls, *, create: bool = False) -> PlacementRule:
        """The queue of the pod's ``yunikorn.apache.org/queue`` label (or annotation)."""
        return cls(PlacementKind.PROVIDED, create)

    @classmethod
    def fixed(cls, queue: str, *, create: bool = False) -> PlacementRule:
        """Always ``queue`` (a full path such as ``root.default``)."""
        return cls(PlacementKind.FIXED, create, queue)

    @classmethod
    def tag(cls, tag: str = "namespace", *, create: bool = False) -> PlacementRule:
        """The queue named after a tag of the application, such as its namespace."""
        return cls(PlacementKind.TAG, create, tag)

    def render(self) -> dict[str, Any]:
        rendered: dict[str, Any] = {"name": self.kind.value, "create": self.create}
        if self.value is not None:
            rendered["value"] = self.value
        return rendered


#: The post's rules: the queue a job names, if it exists; otherwise ``root.default``.
DEFAULT_PLACEMENT_RULES = (PlacementRule.provided(), PlacementRule.fixed("root.default"))


def walk(queues: Sequence[Queue], parent: str = ROOT) -> Iterator[tuple[str, Queue]]:
    """Every queue of the tree with its full path, parents before their children."""
    for queue in queues:
        path = f"{parent}.{queue.name}"
        yield path, queue
        yield from walk(queue.children, path)


def leaf_paths(queues: Sequence[Queue]) -> list[str]:
    return [path for path, queue in walk(queues) if queue.is_leaf]


def full_path(name: str) -> str:
    """``analytics-queue`` -> ``root.analytics-queue`` (as YuniKorn qualifies a provided name)."""
    return name if name == ROOT or name.startswith(f"{ROOT}.") else f"{ROOT}.{name}"


def check_tree(
    check: Checker,
    queues: Any,
    *,
    prop: str = "queues",
    capacity: QueueResources | None = None,
    capacity_source: str = "capacity",
) -> bool:
    """Record every problem of the queue tree; True when the tree is sound.

    Each problem names the queue: ``queues[root.analytics-queue].guaranteed``.
    """
    before = len(check.problems)
    if not check.rule(prop, queues, rules.sequence("Queue('analytics-queue')")):
        return False
    if not queues:
        check.add(prop, queues, "declare at least one queue, e.g. Queue('default')")
    guarantees = _check_level(check, queues, ROOT, prop, parent_max=None, parent_guaranteed=None)
    if len(check.problems) == before and capacity is not None:
        _check_sum(
            check,
            f"{prop} (guaranteed, all queues)",
            guarantees,
            capacity,
            what=f"the {capacity_source} of {describe_resources(capacity)}",
            fix="lower the guarantees so every queue can get its share",
        )
    return len(check.problems) == before


def _check_sum(
    check: Checker,
    prop: str,
    amounts: list[QueueResources],
    limit: QueueResources,
    *,
    what: str,
    fix: str,
) -> None:
    """Record a problem when ``amounts`` together exceed ``limit``."""
    summed = total(amounts)
    over = summed.exceeds(limit)
    if amounts and over:
        check.add(
            prop, describe_resources(summed), f"is above {what} in {' and '.join(over)}; {fix}"
        )


def _check_level(
    check: Checker,
    queues: Sequence[Any],
    parent: str,
    prop: str,
    *,
    parent_max: QueueResources | None,
    parent_guaranteed: QueueResources | None,
    parent_applications: int | None = None,
) -> list[QueueResources]:
    """Check one level of the tree, as YuniKorn's parser does; return the level's effective
    guarantees (a queue without its own counts its children's sum)."""
    seen: set[str] = set()
    guarantees: list[QueueResources] = []
    for index, queue in enumerate(queues):
        if not isinstance(queue, Queue):
            check.add(f"{prop}[{index}] of {parent}", queue, "pass Queue(...) objects")
            continue
        path = f"{parent}.{queue.name}" if isinstance(queue.name, str) else f"{parent}.?"
        where = f"{prop}[{path}]"
        if not _check_name(check, where, queue.name, path):
            continue
        if queue.name in seen:
            check.add(f"{where}.name", queue.name, f"is declared twice under {parent}; rename one")
        seen.add(queue.name)
        guaranteed_ok = _check_amount(check, f"{where}.guaranteed", queue.guaranteed)
        max_ok = _check_amount(check, f"{where}.max", queue.max)
        if guaranteed_ok and max_ok and queue.guaranteed and queue.max:
            over = queue.guaranteed.exceeds(queue.max)
            if over:
                check.add(
                    f"{where}.guaranteed",
                    describe_resources(queue.guaranteed),
                    f"is above the queue's max of {describe_resources(queue.max)} in "
                    f"{' and '.join(over)}; lower the guarantee or raise the max",
                )
        if max_ok and queue.max and parent_max:
            over = queue.max.exceeds(parent_max)
            if over:
                check.add(
                    f"{where}.max",
                    describe_resources(queue.max),
                    f"is above the max of its parent {parent} ({describe_resources(parent_max)}) "
                    f"in {' and '.join(over)}; a child can never use more than its parent",
                )
        _check_properties(check, where, queue)
        applications = queue.max_applications
        if parent_applications is not None and (
            applications is None
            or (isinstance(applications, int) and applications > parent_applications)
        ):
            check.add(
                f"{where}.max_applications",
                queue.max_applications,
                f"{parent} allows {parent_applications} running applications, so YuniKorn needs "
                f"every child to set max_applications, at most {parent_applications}",
            )
        own = queue.guaranteed if guaranteed_ok else None
        if check.rule(f"{where}.children", queue.children, rules.sequence("Queue('child')")):
            children = _check_level(
                check,
                queue.children,
                path,
                prop,
                parent_max=queue.max if max_ok and queue.max else parent_max,
                parent_guaranteed=own,
                parent_applications=applications if isinstance(applications, int) else None,
            )
            if own is None and children:
                own = total(children)
        if own is not None:
            guarantees.append(own)
    if parent_guaranteed is not None:
        _check_sum(
            check,
            f"{prop}[{parent}].children (guaranteed)",
            guarantees,
            parent_guaranteed,
            what=f"the guarantee of {parent} ({describe_resources(parent_guaranteed)})",
            fix="the children share their parent's guarantee",
        )
    if parent_max is not None and parent != ROOT:
        _check_sum(
            check,
            f"{prop}[{parent}].children (guaranteed)",
            guarantees,
            parent_max,
            what=f"the max of {parent} ({describe_resources(parent_max)})",
            fix="guarantees below a queue must fit the queue's max",
        )
    return guarantees


def _check_name(check: Checker, where: str, name: Any, path: str) -> bool:
    if not isinstance(name, str) or not _NAME_RE.match(name) or len(name) > NAME_MAX:
        check.add(
            f"{where}.name",
            name,
            f"use 1-{NAME_MAX} lowercase letters, digits, '-' and '_', starting and ending with a "
            "letter or digit (no '.': it separates queue levels; YuniKorn compares names in "
            "lowercase)",
        )
        return False
    if name == ROOT:
        check.add(f"{where}.name", name, "'root' is the top queue YuniKorn adds; name it otherwise")
        return False
    if len(path) > LABEL_VALUE_MAX:
        check.add(
            f"{where}.name",
            name,
            f"the queue's path {path!r} has {len(path)} characters; pods name their queue in a "
            f"label, which holds at most {LABEL_VALUE_MAX}: shorten the names",
        )
        return False
    return True


def _check_amount(check: Checker, prop: str, amount: Any) -> bool:
    if amount is None:
        return True
    if not isinstance(amount, QueueResources):
        check.add(prop, amount, "pass QueueResources(vcore=..., memory='...Gi') or None")
        return False
    return amount.check(check, prop)


def _check_properties(check: Checker, where: str, queue: Queue) -> None:
    check.rule(f"{where}.sort_policy", queue.sort_policy, rules.one_of(SortPolicy))
    if queue.preemption is not None:
        check.rule(f"{where}.preemption", queue.preemption, rules.one_of(PreemptionPolicy))
    if queue.priority is not None:
        check.rule(f"{where}.priority", queue.priority, rules.integer(*PRIORITY_RANGE))
    delay = queue.preemption_delay
    delay_ok = delay is not None and check.rule(
        f"{where}.preemption_delay", delay, rules.go_duration
    )
    if delay_ok and not queue.is_leaf:
        check.add(
            f"{where}.preemption_delay",
            queue.preemption_delay,
            "YuniKorn takes a preemption delay on leaf queues only; set it on the children",
        )
    for name in ("submit_acl", "admin_acl"):
        value = getattr(queue, name)
        if value is not None:
            check.rule(f"{where}.{name}", value, acl)
    if queue.max_applications is not None:
        check.rule(f"{where}.max_applications", queue.max_applications, rules.integer(1, 2**31 - 1))


def acl(value: Any) -> str | None:
    """A YuniKorn ACL: ``*``, ``"user1,user2 group1,group2"`` or ``" "`` (nobody)."""
    if isinstance(value, str) and _ACL_RE.match(value):
        return None
    return "use '*', 'user1,user2 group1,group2' (users, one space, then groups) or ' ' (nobody)"


def submit_acls_under(queues: Sequence[Queue]) -> list[str]:
    """Paths of the queues that set their own submit ACL."""
    return [path for path, queue in walk(queues) if queue.submit_acl is not None]


def check_placement_rules(
    check: Checker, placement_rules: Any, queues: Sequence[Queue], prop: str = "placement_rules"
) -> None:
    """Rules of known kinds; a ``fixed`` rule without ``create`` must name an existing leaf."""
    if not check.rule(prop, placement_rules, rules.sequence("PlacementRule.provided()")):
        return
    if not placement_rules:
        check.add(prop, placement_rules, "declare at least one rule, e.g. PlacementRule.provided()")
    leaves = set(leaf_paths(queues))
    for index, rule in enumerate(placement_rules):
        if not isinstance(rule, PlacementRule) or not isinstance(rule.kind, PlacementKind):
            check.add(f"{prop}[{index}]", rule, "use PlacementRule.provided() / .fixed() / .tag()")
            continue
        check.rule(f"{prop}[{index}].create", rule.create, rules.boolean)
        if rule.kind is PlacementKind.FIXED:
            target = full_path(rule.value) if isinstance(rule.value, str) else rule.value
            if not rule.create and target not in leaves:
                check.add(
                    f"{prop}[{index}]",
                    rule.value,
                    f"the fixed rule places jobs in a queue that is not a leaf of the tree "
                    f"(leaves: {', '.join(sorted(leaves))}); declare it or pass create=True",
                )
        if rule.kind is PlacementKind.TAG and not (
            isinstance(rule.value, str) and rule.value.strip()
        ):
            check.add(f"{prop}[{index}]", rule.value, "name the tag, e.g. 'namespace'")


def render_queue(queue: Queue) -> dict[str, Any]:
    rendered: dict[str, Any] = {"name": queue.name}
    if queue.submit_acl is not None:
        rendered["submitacl"] = queue.submit_acl
    if queue.admin_acl is not None:
        rendered["adminacl"] = queue.admin_acl
    if queue.max_applications is not None:
        rendered["maxapplications"] = queue.max_applications
    resources = {
        key: amount.render()
        for key, amount in (("guaranteed", queue.guaranteed), ("max", queue.max))
        if amount is not None
    }
    if resources:
        rendered["resources"] = resources
    properties = queue.properties()
    if properties:
        rendered["properties"] = properties
    if queue.children:
        rendered["queues"] = [render_queue(child) for child in queue.children]
    return rendered


def queues_document(
    queues: Sequence[Queue], placement_rules: Sequence[PlacementRule], root_submit_acl: str
) -> dict[str, Any]:
    """The ``queues.yaml`` document as data: the ``default`` partition (the only one the
    Kubernetes shim supports), its placement rules and ``root`` with the tree below it."""
    return {
        "partitions": [
            {
                "name": "default",
                "placementrules": [rule.render() for rule in placement_rules],
                "queues": [
                    {
                        "name": ROOT,
                        "submitacl": root_submit_acl,
                        "queues": [render_queue(queue) for queue in queues],
                    }
                ],
            }
        ]
    }


def to_yaml(value: Any, indent: int = 0) -> str:
    """Block-style YAML of plain data (dicts, lists, strings, numbers, booleans).

    Strings are emitted JSON-quoted (a JSON string is a YAML double-quoted scalar), so no value is
    ever misread as another type; keys are the fixed names YuniKorn defines.
    """
    pad = " " * indent
    lines: list[str] = []
    if isinstance(value, Mapping):
        for key, item in value.items():
            if isinstance(item, (Mapping, list)) and item:
                lines.append(f"{pad}{key}:")
                lines.append(to_yaml(item, indent + 2))
            else:
                lines.append(f"{pad}{key}: {_scalar(item)}")
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, (Mapping, list)) and item:
                nested = to_yaml(item, indent + 2)
                lines.append(f"{pad}- {nested.lstrip()}")
            else:
                lines.append(f"{pad}- {_scalar(item)}")
    else:
        lines.append(f"{pad}{_scalar(value)}")
    return "\n".join(lines)


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Mapping):
        return "{}"
    if isinstance(value, list):
        return "[]"
    return json.dumps(str(value))
