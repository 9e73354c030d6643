"""The Hive Metastore reference stacks' keys: the metastore image (issue 11).

Each value is judged by the rule ``MetastoreImage`` applies (:mod:`emr_burst.core.rules`).
"""

from __future__ import annotations

from dataclasses import dataclass

from emr_burst.config.reader import ContextReader
from emr_burst.core import rules, versions

KEYS = ("metastoreImageRepository", "metastoreImageTag")
#: The repository name the reference stacks expect in the compute account's ECR when no
#: repository is configured (docs/hive-metastore.md builds and pushes it).
DEFAULT_REPOSITORY_NAME = "emr-burst/hive-metastore"


@dataclass(frozen=True)
class MetastoreConfig:
    """The image of the reference metastores: repository (``None``: the compute account's ECR
    repository ``emr-burst/hive-metastore``) and tag."""

    image_repository: str | None = None
    image_tag: str = versions.DEFAULT_METASTORE_IMAGE_TAG


def read_metastore(reader: ContextReader) -> MetastoreConfig:
    defaults = MetastoreConfig()
    return MetastoreConfig(
        image_repository=reader.read(
            "metastoreImageRepository",
            defaults.image_repository,
            rules.image_repository,
            optional=True,
        ),
        image_tag=reader.read("metastoreImageTag", defaults.image_tag, rules.image_tag),
    )
