"""Central Spark observability (event logs, History Server): filled by that capability."""
