"""Unit-test fixtures: each metastore app is synthesized once per session."""

from __future__ import annotations

import pytest

from tests.unit.metastore.hms_app import ExternalApp, HmsApp, external_app, hms_app


@pytest.fixture(scope="session")
def app() -> HmsApp:
    return hms_app()


@pytest.fixture(scope="session")
def ext() -> ExternalApp:
    return external_app()
