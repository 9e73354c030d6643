"""Every reference stack under the three cdk-nag packs: no unacknowledged finding."""

from __future__ import annotations

import pytest

from tests.harness.checks import NAG_PACKS, nag_findings
from tests.harness.reference import BuiltApp


@pytest.mark.parametrize("pack", sorted(NAG_PACKS))
def test_reference_app_has_no_unacknowledged_findings(reference: BuiltApp, pack: str) -> None:
    findings = nag_findings(reference.app, pack)
    assert not findings, f"{pack}: {len(findings)} unacknowledged findings:\n" + "\n".join(findings)
