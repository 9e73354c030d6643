"""Batch scheduling for EMR on EKS: Apache YuniKorn with typed queues, wired to teams' jobs."""

from emr_burst.scheduling.queues import (
    PlacementRule,
    PreemptionPolicy,
    Queue,
    QueueResources,
    SortPolicy,
)
from emr_burst.scheduling.yunikorn import (
    GangScheduling,
    GangStyle,
    YuniKorn,
    YuniKornQueue,
)

__all__ = [
    "GangScheduling",
    "GangStyle",
    "PlacementRule",
    "PreemptionPolicy",
    "Queue",
    "QueueResources",
    "SortPolicy",
    "YuniKorn",
    "YuniKornQueue",
]
