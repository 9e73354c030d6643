"""Hive Metastore patterns and their database: filled by the Hive Metastore capability."""
