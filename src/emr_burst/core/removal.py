"""Removal policies of resources that hold data (buckets, databases, keys, log groups, secrets).

Data is kept unless the app opts in to deleting it: a construct may ask for ``DESTROY``, but it
only takes effect when the context flag ``emr-burst:removeDataOnDestroy`` is true. This is the one
context read a construct makes, on purpose: a safety switch must be global to the app, so that a
construct deep in someone's code cannot delete data on its own (the guard of AWS DSF's
``removeDataOnDestroy`` works the same way).
"""

from __future__ import annotations

import aws_cdk as cdk
from constructs import Construct

from emr_burst.core.errors import EmrBurstError, Problem

REMOVE_DATA_FLAG = "emr-burst:removeDataOnDestroy"


def data_deletion_allowed(scope: Construct) -> bool:
    """Whether the app has set the context flag that allows data to be deleted with the stack."""
    value = scope.node.try_get_context(REMOVE_DATA_FLAG)
    return value is True or str(value).lower() == "true"


def data_removal_policy(scope: Construct, requested: cdk.RemovalPolicy | None) -> cdk.RemovalPolicy:
    """The removal policy to apply to a data-holding resource created under ``scope``.

    ``None`` and ``RETAIN`` give ``RETAIN``. ``DESTROY`` (or ``SNAPSHOT`` where it applies) is
    honoured only with the app's opt-in flag; otherwise the resource is retained and a warning says
    why.
    """
    if requested is not None and not isinstance(requested, cdk.RemovalPolicy):
        raise EmrBurstError(
            [
                Problem(
                    scope.node.path,
                    "removal_policy",
                    requested,
                    "pass a cdk.RemovalPolicy such as cdk.RemovalPolicy.DESTROY, or None to keep "
                    "the data",
                )
            ]
        )
    if requested in (None, cdk.RemovalPolicy.RETAIN, cdk.RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE):
        return requested or cdk.RemovalPolicy.RETAIN
    if data_deletion_allowed(scope):
        cdk.Annotations.of(scope).add_warning_v2(
            "emr-burst:data-deleted-with-stack",
            f"{scope.node.path}: data is deleted with the stack because {REMOVE_DATA_FLAG} is true",
        )
        return requested
    cdk.Annotations.of(scope).add_warning_v2(
        "emr-burst:data-retained",
        f"{scope.node.path}: removal policy {requested} ignored and data retained; set the context "
        f"flag {REMOVE_DATA_FLAG}=true to let the stack delete it",
    )
    return cdk.RemovalPolicy.RETAIN
