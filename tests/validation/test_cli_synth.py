"""`cdk synth` through the pinned CLI and app.py is hermetic: no credentials, profile or lookups."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from tests.harness.reference import ROOT, BuiltApp
from tests.harness.snapshot_diff import cdk_command, stacks_in


def _cdk_synth(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}
    env |= {
        "HOME": str(tmp_path),  # no ~/.aws
        "AWS_EC2_METADATA_DISABLED": "true",
        "CDK_DISABLE_CLI_TELEMETRY": "true",
        "PATH": f"{ROOT / '.venv' / 'bin'}:{env.get('PATH', '')}",
    }
    return subprocess.run(
        [*cdk_command(), "synth", "--quiet", "--no-notices", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def test_cli_synth_works_without_aws_credentials_or_config(
    reference: BuiltApp, tmp_path: Path
) -> None:
    out = tmp_path / "cdk.out"
    result = _cdk_synth(tmp_path, "--output", str(out))
    assert result.returncode == 0, result.stderr[-4000:]
    assert set(stacks_in(out)) == {stack.stack_name for stack in reference.stacks}
    manifest = json.loads((out / "manifest.json").read_text())
    assert "missing" not in manifest, f"synth asked for context lookups: {manifest['missing']}"


def test_cli_reports_bad_dash_c_values_one_line_each_without_a_traceback(tmp_path: Path) -> None:
    result = _cdk_synth(
        tmp_path,
        "--output",
        str(tmp_path / "cdk.out"),
        "-c",
        "emr-burst:maxAzs=5",
        "-c",
        "emr-burst:natGateway=1",
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    ours = [line for line in result.stderr.splitlines() if line.startswith("emr-burst: ")]
    assert ours == [
        "emr-burst: context key 'emr-burst:maxAzs' = '5': use a whole number from 2 to 4 "
        "availability zones (EMR and EKS need two)",
        "emr-burst: context key 'emr-burst:natGateway' = '1': emr-burst has no such setting "
        "(did you mean 'emr-burst:natGateways'?); see docs/configuration.md for the keys",
    ]
