"""Central observability of Spark: one event-log store and a private Spark History Server."""

from emr_burst.observability.event_logs import SparkEventLogs
from emr_burst.observability.history_server import (
    AlbProvider,
    ClientVpn,
    PrivateAccess,
    SparkHistoryServer,
)

__all__ = ["AlbProvider", "ClientVpn", "PrivateAccess", "SparkEventLogs", "SparkHistoryServer"]
