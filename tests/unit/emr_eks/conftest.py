"""Unit-test fixtures: each EKS stack is synthesized once per session."""

from __future__ import annotations

import pytest
from aws_cdk.assertions import Template

from emr_burst.emr_eks.platform import EmrEksPlatform
from tests.unit.emr_eks.eks_app import AutoModeApp, auto_mode_app, node_group_app


@pytest.fixture(scope="session")
def auto_app() -> AutoModeApp:
    return auto_mode_app()


@pytest.fixture(scope="session")
def fixed_app() -> tuple[EmrEksPlatform, Template]:
    return node_group_app()
