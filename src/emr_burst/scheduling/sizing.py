"""What a Spark job asks of the cluster: pod requests from Spark properties, node capacity.

Used by the YuniKorn capability to size gang-scheduling placeholders exactly like the real pods and
to refuse, at synth, a job whose minimum can never fit its queue.

A driver or executor pod requests:

- CPU: ``spark.kubernetes.<role>.request.cores``, else ``spark.<role>.cores`` (Spark's default 1),
  plus the CPU request of EMR's logging container (``emr-containers-defaults``
  ``logging.request.cores``; the teams set 100m);
- memory: ``spark.<role>.memory`` (Spark's default 1g) plus its overhead
  (``spark.<role>.memoryOverhead``, else ``max(384 MiB, factor x memory)``), plus
  ``spark.executor.pyspark.memory`` for executors when set, plus the logging container's memory
  request (``logging.request.memory``, 512Mi unless set).

The overhead factor is ``spark.<role>.memoryOverheadFactor`` or
``spark.kubernetes.memoryOverheadFactor`` when set. Otherwise Spark takes 0.1 for JVM jobs and 0.4
for Python and R jobs on Kubernetes, which the entry point (a template parameter) does not tell:
lower bounds use 0.1 (:data:`JVM_OVERHEAD_FACTOR`), gang placeholders pin 0.4
(:data:`NON_JVM_OVERHEAD_FACTOR`) so a PySpark job is never squeezed.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from emr_burst.core import rules
from emr_burst.scheduling.queues import QueueResources

MIB = 2**20
#: Spark's defaults when a property is not set.
SPARK_DEFAULT_CORES = 1
SPARK_DEFAULT_MEMORY = "1g"
MIN_OVERHEAD_MIB = 384
JVM_OVERHEAD_FACTOR = 0.1
NON_JVM_OVERHEAD_FACTOR = 0.4
#: EMR's logging container in driver and executor pods (``emr-containers-defaults``).
LOGGING_CLASSIFICATION = "emr-containers-defaults"
LOGGING_MEMORY_REQUEST = "512Mi"


@dataclass(frozen=True)
class PodRequest:
    """CPU (vCPU) and memory (bytes) one Spark pod requests."""

    cpu: float
    memory: int

    def resources(self, count: int = 1) -> QueueResources:
        millicores = round(self.cpu * 1000 * count)
        mebibytes = math.ceil(self.memory * count / MIB)
        return QueueResources(vcore=f"{millicores}m", memory=f"{mebibytes}Mi")

    def quantities(self) -> dict[str, str]:
        """``{"cpu": "1100m", "memory": "5Gi"}``: the request in Kubernetes quantities."""
        rendered = self.resources()
        return {"cpu": str(rendered.vcore), "memory": rendered.memory}


def memory_overhead_mib(
    conf: Mapping[str, str], role: str, default_factor: float = JVM_OVERHEAD_FACTOR
) -> int | None:
    """The memory overhead Spark adds to a ``role`` pod, in MiB (None when a property is bad)."""
    explicit = conf.get(f"spark.{role}.memoryOverhead")
    if explicit is not None:
        return None if rules.spark_memory(explicit) else rules.spark_memory_bytes(explicit) // MIB
    memory = conf.get(f"spark.{role}.memory", SPARK_DEFAULT_MEMORY)
    if rules.spark_memory(memory):
        return None
    factor_text = conf.get(
        f"spark.{role}.memoryOverheadFactor", conf.get("spark.kubernetes.memoryOverheadFactor")
    )
    try:
        factor = float(factor_text) if factor_text is not None else default_factor
    except ValueError:
        return None
    return max(MIN_OVERHEAD_MIB, int(factor * rules.spark_memory_bytes(memory) // MIB))


def pod_request(
    conf: Mapping[str, str],
    role: str,
    logging: Mapping[str, str] | None = None,
    default_factor: float = JVM_OVERHEAD_FACTOR,
) -> PodRequest | str:
    """What one ``driver`` or ``executor`` pod requests, or the fix for a bad property."""
    logging = logging or {}
    cores_text = conf.get(f"spark.kubernetes.{role}.request.cores") or conf.get(
        f"spark.{role}.cores", str(SPARK_DEFAULT_CORES)
    )
    if rules.cpu_quantity(cores_text):
        return f"spark.{role}.cores = {cores_text!r} is not a CPU amount"
    memory = conf.get(f"spark.{role}.memory", SPARK_DEFAULT_MEMORY)
    if rules.spark_memory(memory):
        return f"spark.{role}.memory = {memory!r} is not a Spark memory size such as '4g'"
    overhead = memory_overhead_mib(conf, role, default_factor)
    if overhead is None:
        return f"the memory overhead properties of the {role} do not parse"
    python = conf.get("spark.executor.pyspark.memory") if role == "executor" else None
    if python is not None and rules.spark_memory(python):
        return f"spark.executor.pyspark.memory = {python!r} is not a Spark memory size"
    python_bytes = rules.spark_memory_bytes(python) if python is not None else 0
    sidecar_cpu = logging.get("logging.request.cores", "0")
    sidecar_memory = logging.get("logging.request.memory", LOGGING_MEMORY_REQUEST)
    if rules.cpu_quantity(sidecar_cpu) or rules.quantity(sidecar_memory):
        return "the emr-containers-defaults logging requests are not Kubernetes quantities"
    return PodRequest(
        cpu=rules.cpu_amount(cores_text) + rules.cpu_amount(sidecar_cpu),
        memory=rules.spark_memory_bytes(memory)
        + overhead * MIB
        + python_bytes
        + int(rules.parse_quantity(sidecar_memory)),
    )


def total_of(driver: PodRequest, executor: PodRequest, count: int) -> QueueResources:
    """What a driver and ``count`` executors request together."""
    return PodRequest(
        cpu=driver.cpu + executor.cpu * count, memory=driver.memory + executor.memory * count
    ).resources()


def executor_count(conf: Mapping[str, str]) -> tuple[str, int] | str | None:
    """The executors a job holds at least, with the property that says so: the dynamic-allocation
    minimum when it is on, else ``spark.executor.instances``. None when neither is set; the fix
    when the property is not a whole number."""
    if conf.get("spark.dynamicAllocation.enabled", "false").strip().lower() == "true":
        prop = "spark.dynamicAllocation.minExecutors"
        text = conf.get(prop, "0")
    else:
        prop = "spark.executor.instances"
        found = conf.get(prop)
        if found is None:
            return None
        text = found
    if not text.strip().isdigit():
        return f"{prop} = {text!r} is not a whole number of executors"
    return prop, int(text)


# --- node capacity -------------------------------------------------------------------------------

#: vCPU by instance size, and GiB of memory per vCPU by family (Nitro general purpose, compute and
#: memory optimized families, as EC2 documents them).
_SIZE_VCPU = {
    "large": 2, "xlarge": 4, "2xlarge": 8, "4xlarge": 16, "8xlarge": 32, "12xlarge": 48,
    "16xlarge": 64, "24xlarge": 96,
}  # fmt: skip
_GIB_PER_VCPU = {
    **dict.fromkeys(
        ("m5", "m5a", "m5d", "m5n", "m6i", "m6a", "m6id", "m6g", "m6gd", "m7i", "m7a", "m7g",
         "m7gd", "m8g"), 4),
    **dict.fromkeys(
        ("c5a", "c5ad", "c6i", "c6a", "c6id", "c6g", "c6gd", "c7i", "c7a", "c7g", "c7gd", "c8g"),
        2),
    **dict.fromkeys(
        ("r5", "r5a", "r5d", "r5n", "r6i", "r6a", "r6id", "r6g", "r6gd", "r7i", "r7a", "r7g",
         "r7gd", "r8g"), 8),
}  # fmt: skip
_INSTANCE_RE = re.compile(r"^(?P<family>[a-z0-9]+)\.(?P<size>[0-9]*x?large)$")


def instance_resources(instance_type: str) -> QueueResources | None:
    """vCPU and memory of one instance type, when the table above knows it."""
    match = _INSTANCE_RE.match(instance_type)
    if match is None:
        return None
    vcpu = _SIZE_VCPU.get(match.group("size"))
    ratio = _GIB_PER_VCPU.get(match.group("family"))
    if vcpu is None or ratio is None:
        return None
    return QueueResources(vcore=vcpu, memory=f"{vcpu * ratio}Gi")


def fixed_capacity(instance_types: Sequence[str], nodes: int) -> QueueResources | None:
    """What ``nodes`` nodes of the smallest of ``instance_types`` hold; None for an unknown type."""
    sizes = [instance_resources(t) for t in instance_types]
    known = [s for s in sizes if s is not None]
    if not known or len(known) != len(sizes):
        return None
    cpu = min(s.cpu for s in known) * nodes
    memory = min(s.memory_bytes for s in known) * nodes
    return QueueResources(vcore=int(cpu), memory=f"{int(memory // 2**30)}Gi")
