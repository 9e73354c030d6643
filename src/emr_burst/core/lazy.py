"""Values produced when the template is synthesized, from Python callables (CDK ``Lazy``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import aws_cdk as cdk
import jsii


def lazy_string(produce: Callable[[], str]) -> str:
    """A string token whose value ``produce`` returns at synth, after every change was made."""
    return cdk.Lazy.string(_StringProducer(produce))


def lazy_any(produce: Callable[[], Any]) -> Any:
    """A token for any value (a dict holding tokens, say) that ``produce`` returns at synth."""
    return cdk.Lazy.any(_AnyProducer(produce))


@jsii.implements(cdk.IStableStringProducer)
class _StringProducer:
    def __init__(self, produce: Callable[[], str]) -> None:
        self._produce = produce

    def produce(self) -> str | None:
        return self._produce()


@jsii.implements(cdk.IStableAnyProducer)
class _AnyProducer:
    def __init__(self, produce: Callable[[], Any]) -> None:
        self._produce = produce

    def produce(self) -> Any:
        return self._produce()
