"""Masks what changes with the CDK version rather than with our code, for snapshots and diffs."""

from __future__ import annotations

import copy
import re
from typing import Any

ASSET_HASH = re.compile(r"\b[0-9a-f]{64}\b")
ASSET_MASK = "<asset-hash>"
#: Mappings that aws-cdk-lib regenerates per release (e.g. the newest Node.js runtime per region).
VERSIONED_MAPPINGS = re.compile(r"^(LatestNodeRuntimeMap|AwsCliLayerVersionMap)")
MAPPING_MASK = "<cdk-version-dependent>"


def mask_value(value: Any) -> Any:
    if isinstance(value, str):
        return ASSET_HASH.sub(ASSET_MASK, value)
    if isinstance(value, list):
        return [mask_value(item) for item in value]
    if isinstance(value, dict):
        return {key: mask_value(item) for key, item in value.items()}
    return value


def mask_template(template: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``template`` with asset hashes and CDK-version mappings replaced by fixed marks."""
    masked = mask_value(copy.deepcopy(template))
    for name in list(masked.get("Mappings", {})):
        if VERSIONED_MAPPINGS.match(name):
            masked["Mappings"][name] = MAPPING_MASK
    return masked
