"""``app.py`` turns every library error into one ``emr-burst:`` line per problem, without a
traceback, and exits non-zero (run as the CDK CLI runs it: a subprocess given the context)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.harness.reference import ROOT, cdk_json_context

#: Stands in for a construct that rejects a prop while the reference app is built.
_CONSTRUCT_ERROR = """
import runpy
import emr_burst.stacks as stacks
from emr_burst.core.stack import BurstStack
from emr_burst.network import Network

def build(app):
    Network(BurstStack(app, "Broken"), "Network", cidr="10.0.0.0/8", nat_gateways=0)

stacks.build_reference_app = build
runpy.run_path("app.py", run_name="__main__")
"""


def _run(tmp_path: Path, overrides: dict[str, Any], *args: str) -> subprocess.CompletedProcess[str]:
    context = cdk_json_context() | {f"emr-burst:{k}": v for k, v in overrides.items()}
    env = os.environ | {
        "CDK_CONTEXT_JSON": json.dumps(context),
        "CDK_OUTDIR": str(tmp_path / "cdk.out"),
    }
    return subprocess.run(
        [sys.executable, *(args or ("app.py",))],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def _our_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("emr-burst: ")]


def test_a_config_error_is_one_line_per_problem_without_a_traceback(tmp_path: Path) -> None:
    # -c values arrive as strings
    result = _run(tmp_path, {"maxAzs": "5", "maxAz": "2", "computeAccount": "12345"})
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = _our_lines(result.stderr)
    assert lines == [
        "emr-burst: context key 'emr-burst:computeAccount' = '12345': an AWS account id is "
        "exactly 12 digits, e.g. '123456789012'",
        "emr-burst: context key 'emr-burst:maxAzs' = '5': use a whole number from 2 to 4 "
        "availability zones (EMR and EKS need two)",
        "emr-burst: context key 'emr-burst:maxAz' = '2': emr-burst has no such setting (did you "
        "mean 'emr-burst:maxAzs'?); see docs/configuration.md for the keys",
    ]
    assert not (tmp_path / "cdk.out" / "manifest.json").exists()


def test_a_construct_error_is_reported_the_same_way(tmp_path: Path) -> None:
    result = _run(tmp_path, {}, "-c", _CONSTRUCT_ERROR)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = _our_lines(result.stderr)
    assert len(lines) == 2
    assert lines[0].startswith("emr-burst: Network 'Broken/Network': cidr = '10.0.0.0/8': ")
    assert lines[1].startswith("emr-burst: Network 'Broken/Network': nat_gateways = 0: ")
