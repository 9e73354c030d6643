"""Installed-wheel check (``make wheel-check``): what a user gets from ``pip install emr-burst``.

Run with the interpreter of a fresh venv that holds the wheel and its runtime dependencies only,
from outside the source tree, so every import below resolves to the installed package.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import re
import sys
import tempfile
from importlib.resources import files
from pathlib import Path

import aws_cdk as cdk

import emr_burst
from emr_burst.constructs import *  # noqa: F403 - the public import surface must import whole
from emr_burst.constructs import BurstStack, Network

SOURCE_TREE = Path(__file__).resolve().parents[1] / "src"
# A Markdown link or image whose target is neither absolute nor an in-page anchor.
RELATIVE_LINK = re.compile(r"\]\((?!https?://|#|mailto:)[^)]+\)")


def main() -> int:
    problems = []
    if SOURCE_TREE in Path(emr_burst.__file__).resolve().parents:
        problems.append(f"emr_burst was imported from the source tree: {emr_burst.__file__}")

    package = files("emr_burst")
    for resource in ("py.typed", "hybrid/assets/emr/write-catalog.sh"):
        if not package.joinpath(resource).is_file():
            problems.append(f"the wheel lacks emr_burst/{resource}")

    # Test- and CLI-only packages must not come with a plain install.
    for module in ("cdk_nag", "boto3"):
        if importlib.util.find_spec(module) is not None:
            problems.append(f"{module} is installed without any extra")

    description = str(importlib.metadata.metadata("emr-burst").json.get("description", ""))
    relative = RELATIVE_LINK.findall(description)
    if relative:
        problems.append(f"relative links in the PyPI description (broken on PyPI): {relative}")

    app = cdk.App(outdir=tempfile.mkdtemp(prefix="emr-burst-wheel-"))
    # A concrete account and region, with no credentials: BurstStack needs no AZ lookup.
    stack = BurstStack(
        app, "Smoke", env=cdk.Environment(account="111111111111", region="eu-west-1")
    )
    Network(stack, "Network", cidr="10.20.0.0/16")
    template = app.synth().get_stack_by_name("Smoke").template
    vpcs = [r for r in template["Resources"].values() if r["Type"] == "AWS::EC2::VPC"]
    if len(vpcs) != 1:
        problems.append(f"expected one AWS::EC2::VPC in the synthesized Network, got {len(vpcs)}")

    for problem in problems:
        print(f"wheel-check: {problem}", file=sys.stderr)
    if not problems:
        print(f"wheel-check: ok ({emr_burst.__file__}, {len(template['Resources'])} resources)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
