"""The ``emr-burst:metastore*`` context keys of the Hive Metastore reference stacks."""

from __future__ import annotations

from typing import Any

import pytest

from emr_burst.config import AppConfig, ConfigError
from emr_burst.config.metastore import MetastoreConfig
from emr_burst.core import versions
from emr_burst.stacks.metastore_stacks import metastore_image
from tests.harness.reference import cdk_json_context, new_app


def _config(**overrides: Any) -> AppConfig:
    context = cdk_json_context() | {f"emr-burst:{k}": v for k, v in overrides.items()}
    return AppConfig.from_context(context)


def test_cdk_json_defaults_match_the_dataclass_defaults() -> None:
    assert _config().metastore == MetastoreConfig()
    assert _config().metastore.image_tag == versions.DEFAULT_METASTORE_IMAGE_TAG


def test_fails_with_both_bad_image_keys_in_one_error() -> None:
    with pytest.raises(ConfigError) as err:
        _config(metastoreImageRepository="hive-metastore:latest", metastoreImageTag="latest")
    text = str(err.value)
    assert "emr-burst:metastoreImageRepository" in text
    assert "emr-burst:metastoreImageTag" in text


def test_the_default_image_lives_in_the_compute_accounts_ecr() -> None:
    config = _config(
        computeAccount="111122223333", onpremAccount="111122223333", computeRegion="eu-west-1"
    )
    image = metastore_image(new_app(), config)
    assert image.uri == (
        "111122223333.dkr.ecr.eu-west-1.amazonaws.com/emr-burst/hive-metastore:"
        f"{versions.DEFAULT_METASTORE_IMAGE_TAG}"
    )
    configured = _config(
        metastoreImageRepository="111122223333.dkr.ecr.eu-west-1.amazonaws.com/hms"
    )
    assert metastore_image(new_app(), configured).repository.endswith("/hms")
