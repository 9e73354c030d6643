"""Typed configuration of the reference app, read once from CDK context (``cdk.json`` or ``-c``).

Only ``app.py`` and the stacks read this; constructs receive plain values. Every key lives under the
``emr-burst:`` prefix so ``cdk synth -c emr-burst:computeRegion=us-east-1`` overrides one value.
One module per section (``network``, ``eks``, ``hybrid``, ``sides``); each value is judged by the
very rule (:mod:`emr_burst.core.rules`) the construct it feeds applies, named by its context key.
"""

from emr_burst.config.app import KEYS_BY_SECTION, KNOWN_KEYS, AppConfig
from emr_burst.config.eks import (
    EKS_COMPUTE_MODES,
    EKS_KUBERNETES_VERSIONS,
    EksComputeMode,
    EksPlatformConfig,
)
from emr_burst.config.hybrid import HYBRID_ENGINES, IDLE_TIMEOUT_RANGE, HybridConfig
from emr_burst.config.network import (
    INTERFACE_ENDPOINT_NAMES,
    LOG_RETENTION_DAYS,
    NetworkConfig,
    log_retention,
)
from emr_burst.config.reader import PREFIX, ConfigError
from emr_burst.config.sides import SIDES, Side
from emr_burst.core.rules import KNOWN_REGIONS

__all__ = [
    "EKS_COMPUTE_MODES",
    "EKS_KUBERNETES_VERSIONS",
    "HYBRID_ENGINES",
    "IDLE_TIMEOUT_RANGE",
    "INTERFACE_ENDPOINT_NAMES",
    "KEYS_BY_SECTION",
    "KNOWN_KEYS",
    "KNOWN_REGIONS",
    "LOG_RETENTION_DAYS",
    "PREFIX",
    "SIDES",
    "AppConfig",
    "ConfigError",
    "EksComputeMode",
    "EksPlatformConfig",
    "HybridConfig",
    "NetworkConfig",
    "Side",
    "log_retention",
]
