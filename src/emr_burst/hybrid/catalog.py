"""Presto/Trino catalogs on a remote Hive Metastore, written on the cluster by a bootstrap script.

EMR has configuration classifications only for an engine's built-in catalogs, so
:class:`EngineCatalog` binds to an ``EmrCluster`` as a bootstrap action that runs this package's
``assets/emr/write-catalog.sh`` (an S3 asset shared by every catalog of the cluster).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3_assets as s3_assets

from emr_burst.core import rules
from emr_burst.core.errors import Checker

if TYPE_CHECKING:
    from emr_burst.emr_ec2.bootstrap import BootstrapAction
    from emr_burst.emr_ec2.cluster import EmrCluster

_ASSETS = Path(__file__).resolve().parent / "assets" / "emr"
_THRIFT = re.compile(r"^thrift://[A-Za-z0-9.-]+:\d{1,5}$")
_CATALOG = re.compile(r"^[a-z][a-z0-9_]*$")
#: Construct id of the catalog script asset under the cluster (one per cluster).
SCRIPT_ID = "CatalogScript"


class QueryEngine(enum.Enum):
    """The burst cluster's SQL engine, by its EMR application name."""

    PRESTO = "Presto"
    TRINO = "Trino"

    @property
    def config_dir(self) -> str:
        return self.value.lower()

    @property
    def hive_connector(self) -> str:
        # PrestoDB names its Hive connector after the Hadoop line; Trino calls it "hive".
        return "hive-hadoop2" if self is QueryEngine.PRESTO else "hive"


def metastore_uri(value: Any) -> str | None:
    """``thrift://host:9083`` of a Hive Metastore (the host may be a token)."""
    if not value:
        return (
            "a burst cluster queries the on-prem Hive Metastore; pass "
            "metastore_uri='thrift://<on-prem primary DNS>:9083'"
        )
    if rules.unresolved(value):
        return None
    if not isinstance(value, str) or not _THRIFT.match(value):
        return "use a metastore URI such as 'thrift://ip-10-100-1-5.ec2.internal:9083'"
    return None


def _local_jar(value: Any) -> str | None:
    if isinstance(value, str) and value.startswith("/") and value.endswith(".jar"):
        return None
    return (
        "use the absolute path of a jar on the node, e.g. '/opt/alluxio/client/alluxio-client.jar'"
    )


def catalog_name(value: Any) -> str | None:
    if isinstance(value, str) and _CATALOG.match(value):
        return None
    return "use lower-case letters, digits and '_', starting with a letter, e.g. 'onprem'"


def thrift_host(uri: str) -> str:
    """Host part of ``thrift://host:port``, also when the host or the whole ``uri`` is a token."""
    if uri.startswith("thrift://"):
        # Token markers contain no ':', so an embedded host token survives the split intact.
        return uri.removeprefix("thrift://").rsplit(":", 1)[0]
    return cdk.Fn.select(0, cdk.Fn.split(":", cdk.Fn.select(1, cdk.Fn.split("thrift://", uri))))


def catalog_properties(
    engine: QueryEngine, metastore_uri: str, site_file: str | None
) -> dict[str, str]:
    """The catalog: the engine's Hive connector on the remote metastore."""
    properties = {
        "connector.name": engine.hive_connector,
        "hive.metastore.uri": metastore_uri,
    }
    if site_file is not None:
        properties["hive.config.resources"] = site_file
    return properties


@dataclass(frozen=True)
class EngineCatalog:
    """A Presto/Trino catalog backed by a Hive Metastore, e.g. the tutorial's ``onprem``.

    :param engine: Presto or Trino (a member or its name, e.g. ``"trino"``).
    :param metastore_uri: ``thrift://host:9083`` of the metastore.
    :param name: the catalog's name. Default: - ``onprem``.
    :param site_properties: Hadoop properties the catalog loads through ``hive.config.resources``
        (e.g. Alluxio's transparent URI). Default: - none.
    :param client_jars: jars on the node linked into the engine's Hive connector plugin folder
        (``/usr/lib/<engine>/plugin/<connector>/``), e.g. Alluxio's client for the shim: Alluxio's
        bootstrap links it only for PrestoDB's ``hive-hadoop2``. Default: - none.
    """

    engine: QueryEngine
    metastore_uri: str
    name: str = "onprem"
    site_properties: Mapping[str, str] = field(default_factory=dict)
    client_jars: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # A string that names an engine is taken as that engine; anything else is left for check.
        engine = rules.choice(QueryEngine, self.engine)
        if isinstance(engine, QueryEngine):
            object.__setattr__(self, "engine", engine)

    @property
    def site_file(self) -> str | None:
        if not self.site_properties:
            return None
        return f"/etc/{self.engine.config_dir}/conf/{self.name}Conf/core-site.xml"

    @property
    def properties(self) -> dict[str, str]:
        return catalog_properties(self.engine, self.metastore_uri, self.site_file)

    def check(self, check: Checker, prop: str, applications: Sequence[str]) -> None:
        """Record this catalog's problems under ``prop``; its engine must be installed."""
        engine = rules.choice(QueryEngine, self.engine)
        if isinstance(engine, str):
            check.add(f"{prop}.engine", self.engine, engine)
        elif engine.value not in applications:
            check.add(
                f"{prop}.engine",
                self.engine,
                f"{engine.value} is not in applications; add it or pick the installed engine",
            )
        check.rule(f"{prop}.metastore_uri", self.metastore_uri, metastore_uri)
        check.rule(f"{prop}.name", self.name, catalog_name)
        check.rule(f"{prop}.site_properties", self.site_properties, rules.string_map("{'k': 'v'}"))
        if check.rule(
            f"{prop}.client_jars", self.client_jars, rules.string_list("/opt/x/client.jar")
        ):
            check.each(f"{prop}.client_jars", self.client_jars, _local_jar)

    def script_args(self) -> tuple[str, ...]:
        args = ["--engine", self.engine.config_dir, "--catalog", self.name]
        for key, value in self.properties.items():
            args.append(f"catalog:{key}={value}")
        for key, value in self.site_properties.items():
            args.append(f"site:{key}={value}")
        args += [f"jar:{jar}" for jar in self.client_jars]
        return tuple(args)

    def bind(self, cluster: EmrCluster) -> BootstrapAction:
        """The bootstrap action that writes this catalog on ``cluster``'s nodes."""
        # emr_ec2 re-exports this module's names, so it is imported here, not at the top.
        from emr_burst.emr_ec2.bootstrap import BootstrapAction  # noqa: PLC0415

        script = cluster.node.try_find_child(SCRIPT_ID)
        if not isinstance(script, s3_assets.Asset):
            script = s3_assets.Asset(cluster, SCRIPT_ID, path=str(_ASSETS / "write-catalog.sh"))
            cluster.add_to_instance_policy(
                iam.PolicyStatement(
                    actions=["s3:GetObject"],
                    resources=[script.bucket.arn_for_objects(script.s3_object_key)],
                )
            )
        return BootstrapAction(
            f"Write {self.name} catalog", script.s3_object_url, self.script_args()
        )
