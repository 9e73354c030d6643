"""`cdk synth` through the pinned CLI and app.py is hermetic: no credentials, profile or lookups."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from tests.harness.reference import ROOT, BuiltApp
from tests.harness.snapshot_diff import cdk_command, stacks_in


def test_cli_synth_works_without_aws_credentials_or_config(
    reference: BuiltApp, tmp_path: Path
) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}
    env |= {
        "HOME": str(tmp_path),  # no ~/.aws
        "AWS_EC2_METADATA_DISABLED": "true",
        "CDK_DISABLE_CLI_TELEMETRY": "true",
        "PATH": f"{ROOT / '.venv' / 'bin'}:{env.get('PATH', '')}",
    }
    out = tmp_path / "cdk.out"
    result = subprocess.run(
        [*cdk_command(), "synth", "--quiet", "--no-notices", "--output", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    assert set(stacks_in(out)) == {stack.stack_name for stack in reference.stacks}
    manifest = json.loads((out / "manifest.json").read_text())
    assert "missing" not in manifest, f"synth asked for context lookups: {manifest['missing']}"
