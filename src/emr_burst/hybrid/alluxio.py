"""Alluxio on the burst cluster: the options of Alluxio's EMR bootstrap script, and their checks."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import aws_cdk as cdk

from emr_burst.core import rules
from emr_burst.core.errors import Checker

#: Alluxio's transparent URI: ``hdfs://`` paths of the remote tables are read through Alluxio.
ALLUXIO_SHIM = {"fs.hdfs.impl": "alluxio.hadoop.ShimFileSystem"}
_UNDERFS_VERSION = re.compile(r"^hadoop-\d+\.\d+$")
_UFS_URI = re.compile(r"^(hdfs|s3|s3a)://\S+$")


@dataclass(frozen=True)
class AlluxioOptions:
    """Alluxio on the burst cluster, installed by Alluxio's EMR bootstrap script.

    The script is called as ``<script> <root-ufs-uri> -p "<k=v;k=v>" -s ";"`` (the interface of
    Alluxio's ``alluxio-emr.sh``); ``extra_args`` are appended unchanged.

    :param bootstrap_script: S3 location of the bootstrap script.
    :param root_ufs_uri: Alluxio's root mount. Default: - HDFS of the on-prem cluster,
        ``hdfs://<metastore host>:8020/``.
    :param hdfs_version: ``alluxio.underfs.version`` of the root mount.
        Default: - ``hadoop-2.8`` as in the tutorial, for an EMR 5 on-prem proxy (Hadoop 2);
        pass ``hadoop-3.3`` for EMR 6.
    :param active_sync_interval: how often Active Sync polls HDFS for changes. Default: - 30 s.
    :param properties: further ``alluxio-site`` properties. Default: - none.
    :param transparent_uri: let the engine read ``hdfs://`` table locations through Alluxio's
        ``ShimFileSystem`` without redefining tables. Default: - True.
    """

    bootstrap_script: str
    root_ufs_uri: str | None = None
    hdfs_version: str = "hadoop-2.8"
    active_sync_interval: cdk.Duration = field(default_factory=lambda: cdk.Duration.seconds(30))
    properties: Mapping[str, str] = field(default_factory=dict)
    extra_args: tuple[str, ...] = ()
    transparent_uri: bool = True

    def check(self, check: Checker, prop: str) -> None:
        """Record the problems of these options under ``prop`` (e.g. ``alluxio``)."""
        check.rule(f"{prop}.bootstrap_script", self.bootstrap_script, rules.s3_object_uri)
        check.rule(f"{prop}.root_ufs_uri", self.root_ufs_uri, rules.optional(_ufs_uri))
        check.rule(f"{prop}.hdfs_version", self.hdfs_version, _underfs_version)
        check.rule(
            f"{prop}.active_sync_interval",
            self.active_sync_interval,
            rules.duration(
                cdk.Duration.seconds(1), cdk.Duration.days(1), step=cdk.Duration.seconds(1)
            ),
        )
        check.rule(f"{prop}.properties", self.properties, rules.string_map("{'k': 'v'}"))
        check.rule(f"{prop}.extra_args", self.extra_args, rules.strings("-n"))
        check.rule(f"{prop}.transparent_uri", self.transparent_uri, rules.boolean)

    def site_properties(self, root_ufs_uri: str) -> dict[str, str]:
        return {
            "alluxio.master.mount.table.root.ufs": root_ufs_uri,
            "alluxio.master.mount.table.root.option.alluxio.underfs.version": self.hdfs_version,
            "alluxio.master.ufs.active.sync.interval": (
                f"{int(self.active_sync_interval.to_seconds())}sec"
            ),
            **dict(self.properties),
        }

    def bootstrap_args(self, root_ufs_uri: str) -> tuple[str, ...]:
        delimited = ";".join(f"{k}={v}" for k, v in self.site_properties(root_ufs_uri).items())
        return (root_ufs_uri, "-p", delimited, "-s", ";", *self.extra_args)


def _underfs_version(value: Any) -> str | None:
    if isinstance(value, str) and _UNDERFS_VERSION.match(value):
        return None
    return "use Alluxio's under-storage version such as 'hadoop-2.8' (EMR 5) or 'hadoop-3.3'"


def _ufs_uri(value: Any) -> str | None:
    if rules.unresolved(value) or (isinstance(value, str) and _UFS_URI.match(value)):
        return None
    return "use a storage URI such as 'hdfs://namenode:8020/' or 's3://my-bucket/prefix/'"
