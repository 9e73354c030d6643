"""Helpers for asserting on :class:`EmrBurstError` problems by prop."""

from __future__ import annotations

import pytest

from emr_burst.core.errors import EmrBurstError, Problem


def problem(err: pytest.ExceptionInfo[EmrBurstError], prop: str) -> Problem:
    """The first problem recorded under ``prop`` (fails the test when there is none)."""
    found = [p for p in err.value.problems if p.prop == prop]
    assert found, f"no problem for {prop!r} in:\n{err.value}"
    return found[0]
