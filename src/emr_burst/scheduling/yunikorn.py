"""Apache YuniKorn on an EMR on EKS platform, wired to teams' jobs through the extension protocol.

:class:`YuniKorn` installs the pinned Helm chart through the platform's own kubectl provider (no
new Lambda function) into its own namespace, and owns the scheduler's configuration in exactly one
place: the ``yunikorn-configs`` ConfigMap (queue tree, placement rules, admission filtering), which
YuniKorn merges over the chart's ``yunikorn-defaults``; the chart's ``yunikornDefaults`` stay
empty. The admission controller only processes the namespaces of the teams bound to a queue.

:meth:`YuniKorn.queue` returns the extension that puts a team's (or one job template's) jobs in a
queue: the driver and executor pods carry the ``yunikorn.apache.org/queue`` label and
``schedulerName: yunikorn``, EMR's job-runner pod gets the label through the ``emr-job-submitter``
classification, and with :class:`GangScheduling` the pods carry task groups sized and placed like
the real pods.

Example::

    yunikorn = YuniKorn(self, "YuniKorn", platform=platform, queues=[
        Queue("analytics-queue", guaranteed=QueueResources(10, "38Gi"),
              max=QueueResources(24, "96Gi"), priority=100),
        Queue("default", max=QueueResources(24, "96Gi")),
    ])
    team.add_extension(yunikorn.queue("analytics-queue"))
    template.add_extension(yunikorn.queue("analytics-queue", gang=GangScheduling()))
"""

from __future__ import annotations

import enum
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import aws_cdk as cdk
import jsii
from aws_cdk import aws_eks_v2 as eks
from constructs import Construct, IConstruct

from emr_burst.core import rules, versions
from emr_burst.core.errors import Checker, EmrBurstError, Problem
from emr_burst.core.lazy import lazy_string
from emr_burst.emr_eks.classification import Classification
from emr_burst.emr_eks.compute import AutoModeCompute, NodeGroupCompute
from emr_burst.emr_eks.extension import Contribution, IJobTarget
from emr_burst.emr_eks.imported import check_platform
from emr_burst.emr_eks.job_template import JobTemplate
from emr_burst.emr_eks.namespace import KubernetesNamespace
from emr_burst.emr_eks.platform import IEmrEksPlatform
from emr_burst.emr_eks.pod_template import PodChange, PodRole
from emr_burst.scheduling import sizing
from emr_burst.scheduling.queues import (
    DEFAULT_PLACEMENT_RULES,
    PlacementRule,
    Queue,
    QueueResources,
    acl,
    check_placement_rules,
    check_tree,
    describe_resources,
    full_path,
    queues_document,
    submit_acls_under,
    to_yaml,
    walk,
)

SCHEDULER_NAME = "yunikorn"
QUEUE_KEY = "yunikorn.apache.org/queue"
TASK_GROUP_NAME = "yunikorn.apache.org/task-group-name"
TASK_GROUPS = "yunikorn.apache.org/task-groups"
POLICY_PARAMETERS = "yunikorn.apache.org/schedulingPolicyParameters"
JOB_SUBMITTER = "emr-job-submitter"
CONFIG_MAP = "yunikorn-configs"
RELEASE = "yunikorn"
#: The admission controller's namespace filter when no namespace is bound yet: matches none (an
#: empty filter would send every pod of the cluster to YuniKorn).
NO_NAMESPACE = "^$"
_SPARK_QUEUE_KEYS = tuple(
    f"spark.kubernetes.{role}.{kind}.{QUEUE_KEY}"
    for role in ("driver", "executor")
    for kind in ("label", "annotation")
)
_SUBMITTER_QUEUE_KEYS = (f"jobsubmitter.label.{QUEUE_KEY}", f"jobsubmitter.annotation.{QUEUE_KEY}")

#: Requests and limits of YuniKorn's own pods (the chart's figures, set explicitly so an upgrade
#: of the chart cannot change them unnoticed).
SCHEDULER_RESOURCES = {
    "requests": {"cpu": "200m", "memory": "1Gi"},
    "limits": {"cpu": "4", "memory": "2Gi"},
}
WEB_RESOURCES = {
    "requests": {"cpu": "100m", "memory": "100Mi"},
    "limits": {"cpu": "200m", "memory": "500Mi"},
}
ADMISSION_RESOURCES = {
    "requests": {"cpu": "100m", "memory": "500Mi"},
    "limits": {"cpu": "500m", "memory": "500Mi"},
}
#: The images run as user 4444 (``USER 4444:4444`` in each Dockerfile) and write no files.
POD_SECURITY = {
    "runAsNonRoot": True,
    "runAsUser": 4444,
    "runAsGroup": 4444,
    "seccompProfile": {"type": "RuntimeDefault"},
}
CONTAINER_SECURITY = {
    "allowPrivilegeEscalation": False,
    "readOnlyRootFilesystem": True,
    "capabilities": {"drop": ["ALL"]},
}


class GangStyle(enum.Enum):
    """What happens when the placeholders cannot all be placed in time: ``HARD`` fails the
    application, ``SOFT`` falls back to normal scheduling."""

    HARD = "Hard"
    SOFT = "Soft"


@dataclass(frozen=True)
class GangScheduling:
    """All-or-nothing start of a job: YuniKorn reserves the driver and the minimum executors with
    placeholder pods before any real pod runs.

    :param min_executors: executors to reserve. Default: - the job's dynamic-allocation minimum,
        else ``spark.executor.instances``.
    :param placeholder_timeout: how long placeholders wait for the whole gang. Default: - 60
        seconds.
    :param style: ``GangStyle.SOFT`` or ``GangStyle.HARD``. Default: - SOFT (YuniKorn's).
    """

    min_executors: int | None = None
    placeholder_timeout: cdk.Duration = field(default_factory=lambda: cdk.Duration.seconds(60))
    style: GangStyle | str = GangStyle.SOFT

    def check(self, check: Checker, prop: str = "gang") -> None:
        if self.min_executors is not None:
            check.rule(f"{prop}.min_executors", self.min_executors, rules.integer(1, 10_000))
        check.rule(
            f"{prop}.placeholder_timeout",
            self.placeholder_timeout,
            rules.duration(
                cdk.Duration.seconds(1), cdk.Duration.hours(24), step=cdk.Duration.seconds(1)
            ),
        )
        check.rule(f"{prop}.style", self.style, rules.one_of(GangStyle))

    def policy_parameters(self) -> str:
        style = rules.choice(GangStyle, self.style)
        assert isinstance(style, GangStyle)
        seconds = int(self.placeholder_timeout.to_seconds())
        return f"placeholderTimeoutInSeconds={seconds} gangSchedulingStyle={style.value}"


class YuniKorn(Construct):
    """Apache YuniKorn on an EMR on EKS platform: Helm release, queue tree, admission filtering.

    :param platform: the platform (built here or imported). Its Kubernetes version must be one the
        pinned YuniKorn release supports (``versions.YUNIKORN_KUBERNETES_RANGE``).
    :param queues: the queues below ``root``.
    :param placement_rules: Default: - ``provided`` (create false), then ``fixed root.default``.
    :param capacity: what the cluster holds for queued work; the sum of the top-level guarantees
        must fit it. Default: - derived from a fixed-size node group (min = max); required on
        Auto Mode or an imported platform when a queue has a guarantee.
    :param namespace: YuniKorn's own namespace. Default: - ``yunikorn``.
    :param root_submit_acl: who may submit to ``root`` (inherited by every queue). Default: - ``*``.
    :param namespaces: more namespaces whose pods YuniKorn schedules (e.g. Spark Operator
        namespaces); the namespaces of bound teams are added by themselves. Default: - none.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        platform: IEmrEksPlatform,
        queues: Sequence[Queue],
        placement_rules: Sequence[PlacementRule] = DEFAULT_PLACEMENT_RULES,
        capacity: QueueResources | None = None,
        namespace: str = "yunikorn",
        root_submit_acl: str = "*",
        namespaces: Sequence[str] = (),
    ) -> None:
        check = Checker(scope, construct_id, "YuniKorn")
        derived = _validate(
            check,
            platform=platform,
            queues=queues,
            placement_rules=placement_rules,
            capacity=capacity,
            namespace=namespace,
            root_submit_acl=root_submit_acl,
            namespaces=namespaces,
        )
        check.raise_if_any()
        super().__init__(scope, construct_id)
        self.platform = platform
        self.queues = tuple(queues)
        self.placement_rules = tuple(placement_rules)
        self.capacity = derived
        self.root_submit_acl = root_submit_acl
        self._namespaces: list[str] = []
        self._bindings: list[_Binding] = []
        self._queue_max = _effective_max(self.queues)
        for extra in namespaces:
            self.add_namespace(extra)

        self.namespace = KubernetesNamespace(
            self,
            "Namespace",
            platform=platform,
            namespace=namespace,
            labels={
                "pod-security.kubernetes.io/enforce": "baseline",
                "pod-security.kubernetes.io/warn": "restricted",
                "pod-security.kubernetes.io/audit": "restricted",
            },
        )
        self.config_manifest = self.namespace.add_manifest("Configuration", self.config_map())
        self.chart = eks.HelmChart(
            self,
            "Chart",
            cluster=platform.cluster,
            chart="yunikorn",
            repository=versions.YUNIKORN_CHART_REPOSITORY,
            version=versions.YUNIKORN_VERSION,
            release=RELEASE,
            namespace=namespace,
            create_namespace=False,
            values=chart_values(),
            wait=True,
            timeout=cdk.Duration.minutes(10),
        )
        # The scheduler starts with the queues, not with the defaults it would fall back to; and
        # `helm --wait` needs nodes to run it on.
        self.chart.node.add_dependency(self.config_manifest)
        node_group = getattr(platform, "node_group", None)
        if node_group is not None:
            self.chart.node.add_dependency(node_group)
        cdk.Aspects.of(self).add(_Verify(self), priority=cdk.AspectPriority.READONLY)

    # --- queues --------------------------------------------------------------------------------

    @property
    def leaf_queues(self) -> list[str]:
        """Full paths of the queues jobs can run in."""
        return [path for path, queue in walk(self.queues) if queue.is_leaf]

    def queue(self, name: str, *, gang: GangScheduling | None = None) -> YuniKornQueue:
        """The extension that puts a team's or a job template's jobs in queue ``name``."""
        return YuniKornQueue(self, name, gang=gang)

    def add_namespace(self, namespace: str) -> None:
        """Let YuniKorn schedule the pods of ``namespace`` too (bound teams are added already)."""
        check = Checker(None, None, "", where=f"YuniKorn '{self.node.path}'")
        check.rule("namespace", namespace, rules.namespace)
        check.raise_if_any()
        if namespace not in self._namespaces:
            self._namespaces.append(namespace)

    @property
    def processed_namespaces(self) -> tuple[str, ...]:
        return tuple(self._namespaces)

    # --- what is rendered ----------------------------------------------------------------------

    def queues_yaml(self) -> str:
        """The ``queues.yaml`` of the ``yunikorn-configs`` ConfigMap."""
        document = queues_document(self.queues, self.placement_rules, self.root_submit_acl)
        return to_yaml(document) + "\n"

    def config_map(self) -> dict[str, Any]:
        """The ``yunikorn-configs`` ConfigMap: the one place the scheduler's settings live."""
        return {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": CONFIG_MAP, "labels": {"app": "yunikorn"}},
            "data": {
                "queues.yaml": self.queues_yaml(),
                "admissionController.filtering.processNamespaces": lazy_string(
                    self._process_namespaces
                ),
                "admissionController.filtering.bypassNamespaces": "^kube-system$",
                # One application per job-runner pod (they carry no app id of their own), not one
                # per namespace.
                "admissionController.filtering.generateUniqueAppId": "true",
                "service.placeholderImage": versions.YUNIKORN_PLACEHOLDER_IMAGE,
                "service.disableGangScheduling": "false",
            },
        }

    def _process_namespaces(self) -> str:
        if not self._namespaces:
            return NO_NAMESPACE
        return ",".join(f"^{re.escape(ns)}$" for ns in self._namespaces)

    # --- checks --------------------------------------------------------------------------------

    def queue_problem(self, name: str) -> str | None:
        """Why pods cannot name queue ``name`` (not in the tree, or not a leaf)."""
        path = full_path(name)
        if path in self.leaf_queues:
            return None
        parents = [p for p, q in walk(self.queues) if not q.is_leaf]
        if path in parents:
            return f"{path} is a parent queue; jobs run in leaf queues ({self._leaves_text()})"
        return f"there is no queue {path}; the leaf queues are {self._leaves_text()}"

    def queue_max(self, name: str) -> QueueResources | None:
        """The limit a queue's usage meets first: its own max or the nearest ancestor's."""
        return self._queue_max.get(full_path(name))

    def _leaves_text(self) -> str:
        return ", ".join(self.leaf_queues)

    def _register(self, binding: _Binding) -> None:
        self._bindings.append(binding)
        self.add_namespace(binding.target.namespace)

    def _verify(self) -> None:
        """At synth: every queue a job of a YuniKorn namespace names exists, and every gang still
        matches the job it was sized for."""
        problems: list[Problem] = []
        for binding in self._bindings:
            problems += binding.stale_problems()
        for template in _job_templates(self):
            problems += self._template_queue_problems(template)
        if problems:
            raise EmrBurstError(problems)

    def _template_queue_problems(self, template: JobTemplate) -> list[Problem]:
        where = f"JobTemplate '{template.node.path}'"
        named: list[tuple[str, str]] = []
        for role in PodRole:
            metadata = template.effective_pod(role).get("metadata", {})
            for kind in ("labels", "annotations"):
                value = metadata.get(kind, {}).get(QUEUE_KEY)
                if value is not None:
                    named.append((f"{role.value} pod {kind}[{QUEUE_KEY!r}]", value))
        conf = template.spark_conf
        named += [(f"spark_conf[{key!r}]", conf[key]) for key in _SPARK_QUEUE_KEYS if key in conf]
        submitter = template.effective_properties(JOB_SUBMITTER)
        named += [
            (f"{JOB_SUBMITTER}[{key!r}]", submitter[key])
            for key in _SUBMITTER_QUEUE_KEYS
            if key in submitter
        ]
        problems = []
        for prop, value in named:
            problem = self.queue_problem(value)
            if problem:
                problems.append(Problem(where, prop, value, problem))
        return problems


class YuniKornQueue:
    """The extension that puts jobs in one YuniKorn queue (see :meth:`YuniKorn.queue`)."""

    def __init__(
        self, scheduler: YuniKorn, queue: str, *, gang: GangScheduling | None = None
    ) -> None:
        check = Checker(None, None, "", where=f"YuniKorn '{scheduler.node.path}'.queue()")
        if check.rule("queue", queue, rules.instance_of(str, "'analytics-queue'")):
            problem = scheduler.queue_problem(queue)
            if problem:
                check.add("queue", queue, problem)
        if gang is not None:
            if isinstance(gang, GangScheduling):
                gang.check(check)
            else:
                check.add("gang", gang, "pass GangScheduling(...) or None")
        check.raise_if_any()
        self.scheduler = scheduler
        self.queue = full_path(queue)
        self.gang = gang
        self.name = self.queue

    def bind(self, target: IJobTarget) -> Contribution:
        where = f"YuniKorn queue {self.queue!r} on {_describe(target)}"
        check = Checker(None, None, "", where=where)
        if target.platform is not self.scheduler.platform:
            check.add(
                "platform",
                getattr(target.platform, "node", target.platform),
                "the team runs on another platform than this YuniKorn; use that platform's",
            )
            check.raise_if_any()
        conf = dict(target.spark_conf)
        binding = _Binding(self, target, where)
        binding.check_minimum(check, conf)
        overheads: dict[str, str] = {}
        annotations: dict[PodRole, dict[str, str]] = {PodRole.DRIVER: {}, PodRole.EXECUTOR: {}}
        if self.gang is not None:
            overheads, annotations = binding.gang(check, conf)
        check.raise_if_any()
        self.scheduler._register(binding)
        labels = {QUEUE_KEY: self.queue}
        return Contribution(
            spark_conf=overheads,
            classifications=[
                Classification(JOB_SUBMITTER, {f"jobsubmitter.label.{QUEUE_KEY}": self.queue})
            ],
            driver=PodChange(
                labels=labels,
                scheduler_name=SCHEDULER_NAME,
                annotations=annotations[PodRole.DRIVER],
            ),
            executor=PodChange(
                labels=labels,
                scheduler_name=SCHEDULER_NAME,
                annotations=annotations[PodRole.EXECUTOR],
            ),
        )


class _Binding:
    """One queue bound to one team or job template, kept to re-check it at synth."""

    def __init__(self, queue: YuniKornQueue, target: IJobTarget, where: str) -> None:
        self.queue = queue
        self.target = target
        self.where = where
        self.task_groups: str | None = None

    def requests(
        self, conf: Mapping[str, str], default_factor: float = sizing.JVM_OVERHEAD_FACTOR
    ) -> dict[str, sizing.PodRequest | str]:
        logging = _properties(self.target, sizing.LOGGING_CLASSIFICATION)
        return {
            role: sizing.pod_request(conf, role, logging, default_factor)
            for role in ("driver", "executor")
        }

    def check_minimum(self, check: Checker, conf: Mapping[str, str]) -> None:
        """The job's least footprint (driver + minimum executors) must fit the queue's max."""
        queue_max = self.queue.scheduler.queue_max(self.queue.queue)
        found = sizing.executor_count(conf)
        if isinstance(found, str):
            check.add("spark_conf", found.split(" = ")[0], found)
            return
        if queue_max is None or found is None or not found[1]:
            return
        prop, count = found
        requests = self.requests(conf)
        driver, executor = requests["driver"], requests["executor"]
        if isinstance(driver, str) or isinstance(executor, str):
            return  # the gang check reports unparsable sizes; without gang Spark reports them
        least = sizing.total_of(driver, executor, count)
        over = least.exceeds(queue_max)
        if over:
            check.add(
                prop,
                count,
                f"the job needs at least {describe_resources(least)} (driver + {count} executors,"
                f" with memory overhead and EMR's logging container) but {self.queue.queue} may "
                f"use at most {describe_resources(queue_max)}: the job would never start; lower "
                "the minimum or the executor size, or raise the queue's max",
            )

    def gang(
        self, check: Checker, conf: Mapping[str, str]
    ) -> tuple[dict[str, str], dict[PodRole, dict[str, str]]]:
        """Spark overheads pinned to what the placeholders reserve, and the pods' annotations."""
        gang = self.queue.gang
        assert gang is not None
        empty: dict[PodRole, dict[str, str]] = {PodRole.DRIVER: {}, PodRole.EXECUTOR: {}}
        if not isinstance(self.target, JobTemplate):
            check.add(
                "gang",
                "GangScheduling",
                "task groups are sized per job template: bind gang scheduling with "
                "template.add_extension(yunikorn.queue(..., gang=...)), and the team's queue "
                "without gang",
            )
            return {}, empty
        missing = [
            key
            for key in (
                "spark.driver.cores",
                "spark.driver.memory",
                "spark.executor.cores",
                "spark.executor.memory",
            )
            if key not in conf
        ]
        if missing:
            check.add(
                "spark_conf",
                missing,
                "gang scheduling sizes placeholders like the real pods: set these Spark "
                "properties on the team or template before binding the queue",
            )
        found = sizing.executor_count(conf)
        count = gang.min_executors or (found[1] if isinstance(found, tuple) else None)
        if not count:
            check.add(
                "gang.min_executors",
                gang.min_executors,
                "gang scheduling needs an executor count: pass GangScheduling(min_executors=N), "
                "set spark.executor.instances, or enable dynamic allocation with a minimum",
            )
        for name in ("spark.driver.cores", "spark.executor.cores"):
            if name in conf and not conf[name].strip().isdigit():
                check.add(
                    f"spark_conf[{name!r}]",
                    conf[name],
                    "Spark takes a whole number of cores here; put a fraction in "
                    f"spark.kubernetes.{name.split('.')[1]}.request.cores",
                )
        quota = _pod_quota(self.target)
        if quota:
            check.add(
                "namespace quota",
                quota,
                "a namespace ResourceQuota counts each placeholder and the pod that replaces it "
                "twice while they swap (placeholders request and limit what the pods request), "
                "and refuses the gang: leave quotas to the YuniKorn queue (create the team "
                "without quota=)",
            )
        # Placeholders pin the overhead; unknown JVM or Python, take Python's larger default.
        requests = self.requests(conf, sizing.NON_JVM_OVERHEAD_FACTOR)
        for role, request in requests.items():
            if isinstance(request, str):
                check.add(f"spark_conf ({role})", role, request)
        if missing or not count or not check.ok:
            return {}, empty
        driver, executor = requests["driver"], requests["executor"]
        assert isinstance(driver, sizing.PodRequest)
        assert isinstance(executor, sizing.PodRequest)
        queue_max = self.queue.scheduler.queue_max(self.queue.queue)
        least = sizing.total_of(driver, executor, count)
        if queue_max is not None and least.exceeds(queue_max):
            check.add(
                "gang",
                f"driver + {count} executors = {describe_resources(least)}",
                f"the gang can never be placed: {self.queue.queue} may use at most "
                f"{describe_resources(queue_max)}; lower min_executors or the executor size",
            )
            return {}, empty
        overheads = {
            f"spark.{name}.memoryOverhead": (
                f"{sizing.memory_overhead_mib(conf, name, sizing.NON_JVM_OVERHEAD_FACTOR)}m"
            )
            for name in ("driver", "executor")
            if f"spark.{name}.memoryOverhead" not in conf
        }
        groups = []
        for pod_role, request, members in (
            (PodRole.DRIVER, driver, 1),
            (PodRole.EXECUTOR, executor, count),
        ):
            spec = self.target.effective_pod(pod_role).get("spec", {})
            groups.append(
                {
                    "name": f"spark-{pod_role.value}",
                    "minMember": members,
                    "minResource": request.quantities(),
                    "nodeSelector": spec.get("nodeSelector", {}),
                    "tolerations": spec.get("tolerations", []),
                }
            )
        self.task_groups = json.dumps(groups, sort_keys=True, separators=(",", ":"))
        annotations = {
            role: {
                TASK_GROUP_NAME: f"spark-{role.value}",
                TASK_GROUPS: self.task_groups,
                POLICY_PARAMETERS: gang.policy_parameters(),
            }
            for role in PodRole
        }
        return overheads, annotations

    def stale_problems(self) -> list[Problem]:
        """At synth: the Spark sizes and placement the task groups were made from still hold."""
        if self.task_groups is None or not isinstance(self.target, JobTemplate):
            return []
        current = self.target.effective_pod(PodRole.DRIVER)
        if current.get("metadata", {}).get("labels", {}).get(QUEUE_KEY) != self.queue.queue:
            return []  # the binding was refused after bind() (a conflict), so nothing landed
        annotation = current.get("metadata", {}).get("annotations", {}).get(TASK_GROUPS)
        check = Checker(None, None, "", where=self.where)
        _, fresh = self.gang(check, dict(self.target.spark_conf))
        if not check.ok or fresh[PodRole.DRIVER].get(TASK_GROUPS) != annotation:
            return [
                Problem(
                    self.where,
                    "gang",
                    "task groups",
                    "the template's Spark sizes, node selectors or tolerations changed after the "
                    "queue was bound, so the placeholders no longer match the pods: bind the "
                    "queue after the last add_spark_conf / pod template change",
                )
            ]
        return []


def chart_values() -> dict[str, Any]:
    """Values of the YuniKorn chart: pinned images, requests, non-root pods, in-cluster UI.

    The queue configuration is not here (``yunikornDefaults`` stays empty): it lives in the
    ``yunikorn-configs`` ConfigMap alone.
    """
    image = versions.YUNIKORN_IMAGE_REPOSITORY
    tag = versions.YUNIKORN_VERSION
    return {
        "image": {"repository": image, "tag": f"scheduler-{tag}", "pullPolicy": "IfNotPresent"},
        "web": {
            "image": {"repository": image, "tag": f"web-{tag}", "pullPolicy": "IfNotPresent"},
            "resources": WEB_RESOURCES,
        },
        "admissionController": {
            "image": {"repository": image, "tag": f"admission-{tag}", "pullPolicy": "IfNotPresent"},
            "resources": ADMISSION_RESOURCES,
            # The EKS control plane reaches the webhook at its pod IP (VPC CNI): no host network.
            "hostNetwork": False,
            "service": {"type": "ClusterIP"},
        },
        "resources": SCHEDULER_RESOURCES,
        # The web UI and REST API stay inside the cluster: reach them with kubectl port-forward.
        "service": {"type": "ClusterIP", "port": 9080, "portWeb": 9889},
        "ingress": {"enabled": False},
        "hostNetwork": False,
        "embedAdmissionController": True,
        "enableWebService": True,
        "yunikornDefaults": {},
        "podSecurityContext": POD_SECURITY,
        "schedulerSecurityContext": CONTAINER_SECURITY,
        "webSecurityContext": CONTAINER_SECURITY,
        "admissionPodSecurityContext": POD_SECURITY,
        "admissionContainerSecurityContext": CONTAINER_SECURITY,
    }


def _validate(
    check: Checker,
    *,
    platform: Any,
    queues: Any,
    placement_rules: Any,
    capacity: Any,
    namespace: Any,
    root_submit_acl: Any,
    namespaces: Any,
) -> QueueResources | None:
    """Check every prop; return the capacity the guarantees are held against."""
    platform_ok = check_platform(check, platform)
    version = getattr(platform, "kubernetes_version", None) if platform_ok else None
    if isinstance(version, str) and not versions.yunikorn_supports(version):
        low, high = versions.YUNIKORN_KUBERNETES_RANGE
        check.add(
            "platform.kubernetes_version",
            version,
            f"YuniKorn {versions.YUNIKORN_VERSION} supports Kubernetes {low} to {high}; run the "
            f"platform on {high} or wait for a YuniKorn release that lists {version}",
        )
    check.rule("namespace", namespace, rules.namespace)
    if platform_ok and isinstance(namespace, str):
        problem = platform.namespace_problem(namespace)
        if problem:
            check.add("namespace", namespace, problem)
    if check.rule("namespaces", namespaces, rules.sequence("'spark-operator'")):
        check.each("namespaces", namespaces, rules.namespace)
    check.rule("root_submit_acl", root_submit_acl, acl)
    derived: QueueResources | None = None
    source = "capacity"
    if capacity is not None:
        if not isinstance(capacity, QueueResources):
            check.add("capacity", capacity, "pass QueueResources(vcore=..., memory='..Gi') or None")
        elif capacity.check(check, "capacity"):
            derived = capacity
    elif platform_ok:
        derived, source = _derived_capacity(check, platform, queues)
    tree_ok = check_tree(check, queues, capacity=derived, capacity_source=source)
    if tree_ok:
        check_placement_rules(check, placement_rules, queues)
        narrowed = submit_acls_under(queues)
        if narrowed and root_submit_acl == "*":
            check.add(
                "root_submit_acl",
                root_submit_acl,
                f"{', '.join(narrowed)} set a submit ACL, but YuniKorn lets whoever may submit to "
                "a parent submit to its children, so '*' on root opens them to everyone: pass "
                "root_submit_acl=' ' (nobody) or the users and groups all queues admit",
            )
    return derived


def _derived_capacity(
    check: Checker, platform: Any, queues: Any
) -> tuple[QueueResources | None, str]:
    compute = getattr(platform, "compute", None)
    guaranteed = isinstance(queues, (list, tuple)) and any(
        isinstance(q, Queue) and q.guaranteed is not None for q in queues
    )
    if isinstance(compute, NodeGroupCompute) and compute.min_size == compute.max_size:
        found = sizing.fixed_capacity(compute.instance_types, compute.min_size)
        if found is not None:
            types = "/".join(compute.instance_types)
            return found, f"node group's capacity ({compute.min_size} x {types})"
        if guaranteed:
            check.add(
                "capacity",
                None,
                f"the size of {list(compute.instance_types)} is not known here; pass "
                "capacity=QueueResources(vcore=..., memory='...Gi') for the node group",
            )
        return None, "capacity"
    if guaranteed:
        kind = (
            "Auto Mode scales its nodes"
            if isinstance(compute, AutoModeCompute)
            else "the platform's node count is not fixed (or it is imported)"
        )
        check.add(
            "capacity",
            None,
            f"{kind}, so the capacity the guarantees share must be declared: pass "
            "capacity=QueueResources(vcore=..., memory='...Gi')",
        )
    return None, "capacity"


def _effective_max(queues: Sequence[Queue]) -> dict[str, QueueResources | None]:
    limits: dict[str, QueueResources | None] = {}

    def visit(level: Sequence[Queue], parent: str, inherited: QueueResources | None) -> None:
        for queue in level:
            path = f"{parent}.{queue.name}"
            own = queue.max or inherited
            limits[path] = own
            visit(queue.children, path, own)

    visit(queues, "root", None)
    return limits


def _properties(target: Any, classification: str) -> dict[str, str]:
    if isinstance(target, JobTemplate):
        return target.effective_properties(classification)
    merged: dict[str, str] = {}
    settings = getattr(target, "settings", None)
    for item, _ in getattr(settings, "classifications", ()):
        if item.name == classification:
            merged.update(item.properties)
    return merged


def _pod_quota(target: Any) -> dict[str, str] | None:
    """The namespace quota's bounds that placeholders count against (requests, limits, pods)."""
    team = target.team if isinstance(target, JobTemplate) else target
    namespace = getattr(team, "namespace_construct", None)
    quota = getattr(namespace, "quota", None)
    if quota is None:
        return None
    return dict(quota.hard()) or None


def _describe(target: Any) -> str:
    kind = type(target).__name__
    node = getattr(target, "node", None)
    return f"{kind} '{node.path}'" if node is not None else kind


def _job_templates(scheduler: YuniKorn) -> list[JobTemplate]:
    root = cdk.Stage.of(scheduler) or scheduler.node.root
    namespaces = set(scheduler.processed_namespaces)
    return [
        node
        for node in root.node.find_all()
        if isinstance(node, JobTemplate)
        and node.platform is scheduler.platform
        and node.namespace in namespaces
    ]


@jsii.implements(cdk.IAspect)
class _Verify:
    """Runs :meth:`YuniKorn._verify` once, after every job template was rendered."""

    def __init__(self, scheduler: YuniKorn) -> None:
        self._scheduler = scheduler
        self._path = scheduler.node.path
        self._done = False

    def visit(self, node: IConstruct) -> None:
        if self._done or node.node.path != self._path:
            return
        self._done = True
        self._scheduler._verify()
