"""Alluxio on the burst cluster: the options of Alluxio's EMR bootstrap script, and their checks.

The options follow Alluxio's own hybrid examples (``-d -v -l -n -f``): the pinned release's tarball,
the on-prem HDFS version, Active Sync of the mounted paths, NVMe as the workers' tier 0, and the
on-prem ``core-site.xml``/``hdfs-site.xml``. The release lives in :mod:`emr_burst.core.versions`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import aws_cdk as cdk

from emr_burst.core import rules, versions
from emr_burst.core.errors import Checker

#: Alluxio's transparent URI: ``hdfs://`` paths of the remote tables are read through Alluxio.
ALLUXIO_SHIM = {"fs.hdfs.impl": "alluxio.hadoop.ShimFileSystem"}
#: Where Alluxio's bootstrap links its client jar (``expose_alluxio_client_jar`` of the script).
ALLUXIO_CLIENT_JAR = "/opt/alluxio/client/alluxio-client.jar"
_UNDERFS_VERSION = re.compile(r"^hadoop-\d+\.\d+$")
_UFS_URI = re.compile(r"^(hdfs|s3|s3a)://\S+$")
_SCRIPT_VERSION = re.compile(r"/emr/(\d+\.\d+\.\d+)/")
_TARBALL = re.compile(r"^(s3|https?)://\S+\.tar\.gz$")


@dataclass(frozen=True)
class AlluxioOptions:
    """Alluxio on the burst cluster, installed by Alluxio's EMR bootstrap script.

    The script is called as ``<script> <root-ufs-uri> -d<tarball> -v<hdfs version> -l<paths>
    -n<percent> -f<file>... -p "<k=v;k=v>" -s ";"`` (the interface of Alluxio's
    ``alluxio-emr.sh``; each option's value is attached to its flag, which ``getopts`` accepts, so
    every argument stays distinct as CloudFormation requires); ``extra_args`` are appended
    unchanged.

    :param bootstrap_script: S3 location of the bootstrap script, e.g.
        ``versions.ALLUXIO_BOOTSTRAP_SCRIPT``. A script of a release before 2.1 (read from
        ``/emr/<version>/`` in the path) is refused while ``transparent_uri`` is on.
    :param root_ufs_uri: Alluxio's root mount. Default: - HDFS of the on-prem cluster,
        ``hdfs://<metastore host>:8020/``.
    :param hdfs_version: ``alluxio.underfs.version`` of the root mount.
        Default: - ``hadoop-2.8`` as in the tutorial, for an EMR 5 on-prem proxy (Hadoop 2);
        pass ``hadoop-3.3`` for EMR 6.
    :param active_sync_interval: how often Active Sync polls HDFS for changes. Default: - 30 s.
    :param properties: further ``alluxio-site`` properties. Default: - none.
    :param transparent_uri: let the engine read ``hdfs://`` table locations through Alluxio's
        ``ShimFileSystem`` without redefining tables. Default: - True.
    :param tarball: the Alluxio release to install (``-d``). Default: - the pinned release's
        public tarball, ``versions.ALLUXIO_TARBALL``.
    :param active_sync_paths: Alluxio paths whose on-prem changes Active Sync picks up (``-l``).
        Default: - ``("/",)``, the root mount (the on-prem HDFS).
    :param nvme_percent: share of each NVMe instance-store disk Alluxio's workers use as tier 0
        (``-n``, 1-100); ``None`` keeps memory. Default: - 80.
    :param site_files: S3 objects copied into Alluxio's ``conf/`` (``-f``), e.g. the on-prem
        ``core-site.xml`` and ``hdfs-site.xml``, which the HDFS root mount then loads (needed for
        an HA or Kerberized NameNode). The nodes may read exactly these. Default: - none: the burst
        cluster's own Hadoop configuration with the root URI's NameNode.
    """

    bootstrap_script: str
    root_ufs_uri: str | None = None
    hdfs_version: str = "hadoop-2.8"
    active_sync_interval: cdk.Duration = field(default_factory=lambda: cdk.Duration.seconds(30))
    properties: Mapping[str, str] = field(default_factory=dict)
    extra_args: tuple[str, ...] = ()
    transparent_uri: bool = True
    tarball: str | None = versions.ALLUXIO_TARBALL
    active_sync_paths: tuple[str, ...] = ("/",)
    nvme_percent: int | None = 80
    site_files: tuple[str, ...] = ()

    def check(self, check: Checker, prop: str) -> None:
        """Record the problems of these options under ``prop`` (e.g. ``alluxio``)."""
        script_rule = shim_bootstrap_script if self.transparent_uri is True else rules.s3_object_uri
        check.rule(f"{prop}.bootstrap_script", self.bootstrap_script, script_rule)
        check.rule(f"{prop}.tarball", self.tarball, rules.optional(_tarball))
        if check.rule(f"{prop}.active_sync_paths", self.active_sync_paths, rules.string_list("/")):
            check.each(f"{prop}.active_sync_paths", self.active_sync_paths, _alluxio_path)
        check.rule(
            f"{prop}.nvme_percent",
            self.nvme_percent,
            rules.optional(rules.integer(1, 100, unit="(percent)")),
        )
        if check.rule(
            f"{prop}.site_files", self.site_files, rules.string_list("s3://b/core-site.xml")
        ):
            check.each(f"{prop}.site_files", self.site_files, rules.s3_object_uri)
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
        check.rule(f"{prop}.extra_args", self.extra_args, rules.string_list("-n"))
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
        args = [root_ufs_uri]
        if self.tarball:
            args.append(f"-d{self.tarball}")
        if root_ufs_uri.startswith("hdfs://") or rules.unresolved(root_ufs_uri):
            # The script refuses an hdfs:// root without it.
            args.append(f"-v{self.hdfs_version}")
        if self.active_sync_paths:
            args.append(f"-l{';'.join(self.active_sync_paths)}")
        if self.nvme_percent is not None:
            args.append(f"-n{self.nvme_percent}")
        args += [f"-f{uri}" for uri in self.site_files]
        return (*args, "-p", delimited, "-s", ";", *self.extra_args)


def script_version(script: str) -> tuple[int, ...] | None:
    """The release in ``s3://alluxio-public/emr/<version>/alluxio-emr.sh``, when the path says."""
    match = _SCRIPT_VERSION.search(script) if isinstance(script, str) else None
    return versions.alluxio_version_tuple(match.group(1)) if match else None


def shim_bootstrap_script(value: Any) -> str | None:
    """An S3 bootstrap script of a release that has the ``ShimFileSystem`` (2.1 or later, when the
    path names the release): the rule of ``bootstrap_script`` with ``transparent_uri`` on."""
    return rules.s3_object_uri(value) or _has_shim(value)


def _has_shim(value: Any) -> str | None:
    found = script_version(value)
    if found is None or found >= versions.ALLUXIO_SHIM_SINCE:
        return None
    since = ".".join(map(str, versions.ALLUXIO_SHIM_SINCE))
    return (
        f"alluxio.hadoop.ShimFileSystem, which the catalog loads for transparent hdfs:// URIs, "
        f"arrived in Alluxio {since}: use {versions.ALLUXIO_BOOTSTRAP_SCRIPT!r} (or pass "
        "transparent_uri=False)"
    )


def _tarball(value: Any) -> str | None:
    if rules.unresolved(value) or (isinstance(value, str) and _TARBALL.match(value)):
        return None
    return (
        f"use an s3:// or https:// URI of an Alluxio .tar.gz such as {versions.ALLUXIO_TARBALL!r}"
    )


def _alluxio_path(value: Any) -> str | None:
    if isinstance(value, str) and value.startswith("/") and ";" not in value:
        return None
    return "use an absolute Alluxio path such as '/' or '/tmp/tpcds' (no ';')"


def _underfs_version(value: Any) -> str | None:
    if isinstance(value, str) and _UNDERFS_VERSION.match(value):
        return None
    return "use Alluxio's under-storage version such as 'hadoop-2.8' (EMR 5) or 'hadoop-3.3'"


def _ufs_uri(value: Any) -> str | None:
    if rules.unresolved(value) or (isinstance(value, str) and _UFS_URI.match(value)):
        return None
    return "use a storage URI such as 'hdfs://namenode:8020/' or 's3://my-bucket/prefix/'"
