"""``make diff``: ``cdk diff --template`` of every synthesized stack against its committed snapshot.

Both sides are masked the same way (asset hashes, CDK-version mappings), so only real changes show.
Exits non-zero when any stack differs or has no snapshot; needs no AWS credentials.

    python -m tests.harness.snapshot_diff --assembly cdk.out
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.harness.masking import mask_template
from tests.harness.reference import ROOT

SNAPSHOT_DIR = ROOT / "tests" / "snapshot" / "__snapshots__" / "test_snapshots"
CDK = ROOT / "node_modules" / "aws-cdk" / "bin" / "cdk"


def cdk_command() -> list[str]:
    """The pinned CDK CLI, run by the supported Node that jsii uses when there is one."""
    node = os.environ.get("JSII_NODE")
    return [node, str(CDK)] if node else [str(CDK)]


def snapshot_path(stack_name: str, snapshot_dir: Path = SNAPSHOT_DIR) -> Path:
    return snapshot_dir / f"test_template_matches_snapshot[{stack_name}].json"


def stacks_in(assembly: Path) -> dict[str, Path]:
    """Stack name -> template file of every CloudFormation stack in a cloud assembly."""
    manifest = json.loads((assembly / "manifest.json").read_text())
    return {
        artifact["properties"].get("stackName", name): assembly
        / artifact["properties"]["templateFile"]
        for name, artifact in manifest["artifacts"].items()
        if artifact["type"] == "aws:cloudformation:stack"
    }


def masked_copy(assembly: Path, target: Path) -> Path:
    """A copy of the cloud assembly whose stack templates are masked like the snapshots."""
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(assembly, target)
    for template in stacks_in(target).values():
        masked = mask_template(json.loads(template.read_text()))
        template.write_text(json.dumps(masked, indent=1))
    return target


def diff_stack(masked_assembly: Path, stack_name: str, snapshot: Path) -> int:
    """Run ``cdk diff`` for one stack; the exit code is non-zero when the templates differ."""
    command = [
        *cdk_command(),
        "diff",
        stack_name,
        "--app",
        str(masked_assembly),
        "--exclusively",
        "--template",
        str(snapshot),
        "--fail",
        "--no-notices",
        "--no-version-reporting",
    ]
    return subprocess.run(command, check=False, cwd=ROOT).returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--assembly", type=Path, default=ROOT / "cdk.out")
    parser.add_argument("--snapshots", type=Path, default=SNAPSHOT_DIR)
    args = parser.parse_args(argv)

    masked = masked_copy(args.assembly, args.assembly.parent / f"{args.assembly.name}.masked")
    failed: list[str] = []
    for stack_name in sorted(stacks_in(masked)):
        snapshot = snapshot_path(stack_name, args.snapshots)
        print(f"=== {stack_name} vs {snapshot.name}", flush=True)
        if not snapshot.exists():
            print(f"no committed snapshot for {stack_name}; run `make snapshot-update`", flush=True)
            failed.append(stack_name)
        elif diff_stack(masked, stack_name, snapshot) != 0:
            failed.append(stack_name)
    if failed:
        print(f"differs from its snapshot: {', '.join(failed)}", file=sys.stderr)
        return 1
    print("every stack matches its committed snapshot")
    return 0


if __name__ == "__main__":
    sys.exit(main())
