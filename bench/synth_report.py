"""``make bench``: what each reference stack costs to synthesize and to deploy.

Per stack: seconds to construct it, resources, Lambda functions, custom resources, nested stacks
and template size; for the whole app: import, construct and synth seconds, as medians over
``--runs`` fresh processes (the figures later issues budget against).

    python bench/synth_report.py [--runs 3] [--json bench/results/synth.json]
                                 [-c emr-burst:eksTeams=analytics ...]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

LAMBDA_TYPES = {"AWS::Lambda::Function", "AWS::Serverless::Function"}


def count_template(template: dict[str, Any]) -> dict[str, int]:
    """Resource, Lambda, custom-resource and nested-stack counts of one template."""
    types = [resource["Type"] for resource in template.get("Resources", {}).values()]
    return {
        "resources": len(types),
        "lambdas": sum(t in LAMBDA_TYPES for t in types),
        "custom_resources": sum(
            t.startswith("Custom::") or t == "AWS::CloudFormation::CustomResource" for t in types
        ),
        "nested_stacks": sum(t == "AWS::CloudFormation::Stack" for t in types),
    }


def measure_once(overrides: dict[str, str]) -> dict[str, Any]:
    """Import, build and synthesize the reference app in this process; return the figures."""
    started = time.perf_counter()
    sys.path.insert(0, str(ROOT))
    from tests.harness.reference import new_app  # noqa: PLC0415 - the import is what we time

    from emr_burst.stacks.reference import build_reference_app  # noqa: PLC0415

    imported = time.perf_counter()
    app = new_app(overrides)
    reference = build_reference_app(app)
    constructed = time.perf_counter()
    assembly = app.synth()
    synthesized = time.perf_counter()

    stacks = {}
    for stack in reference.stacks:
        path = Path(assembly.directory) / assembly.get_stack_by_name(stack.stack_name).template_file
        template = json.loads(path.read_text())
        stacks[stack.stack_name] = {
            "construct_s": reference.construct_seconds[stack.stack_name],
            **count_template(template),
            "template_bytes": path.stat().st_size,
        }
    return {
        "import_s": imported - started,
        "construct_s": constructed - imported,
        "synth_s": synthesized - constructed,
        "total_s": synthesized - started,
        "stacks": stacks,
    }


def run_fresh(runs: int, context: list[str]) -> list[dict[str, Any]]:
    """``measure_once`` in ``runs`` fresh interpreters, so imports and jsii start-up count."""
    results = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, __file__, "--child", *(f"--context={item}" for item in context)],
            check=True,
            capture_output=True,
            text=True,
            cwd=ROOT,
        ).stdout
        results.append(json.loads(out.strip().splitlines()[-1]))
    return results


def summarize(results: list[dict[str, Any]]) -> dict[str, Any]:
    def median(values: list[float]) -> float:
        return round(statistics.median(values), 2)

    first = results[0]
    return {
        **{
            key: median([r[key] for r in results])
            for key in ("import_s", "construct_s", "synth_s", "total_s")
        },
        "runs": len(results),
        "stacks": {
            name: {
                **figures,
                "construct_s": median([r["stacks"][name]["construct_s"] for r in results]),
            }
            for name, figures in first["stacks"].items()
        },
    }


def render(summary: dict[str, Any]) -> str:
    header = (
        "stack",
        "construct s",
        "resources",
        "lambdas",
        "custom res.",
        "nested",
        "template KB",
    )
    rows = [
        (
            name,
            f"{s['construct_s']:.2f}",
            str(s["resources"]),
            str(s["lambdas"]),
            str(s["custom_resources"]),
            str(s["nested_stacks"]),
            f"{s['template_bytes'] / 1024:.1f}",
        )
        for name, s in summary["stacks"].items()
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True))
        for row in [header, *rows]
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    lines.append("")
    lines.append(
        f"whole app, median of {summary['runs']} fresh processes: import {summary['import_s']} s, "
        f"construct {summary['construct_s']} s, synth {summary['synth_s']} s, "
        f"total {summary['total_s']} s"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Synth cost of every reference stack.")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument(
        "-c",
        "--context",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="context override, as with cdk synth -c (repeatable)",
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    bad = [item for item in args.context if "=" not in item]
    if bad:
        parser.error(f"--context takes KEY=VALUE, got {bad}")
    if args.child:
        overrides = dict(item.split("=", 1) for item in args.context)
        print(json.dumps(measure_once(overrides)))
        return 0
    summary = summarize(run_fresh(args.runs, args.context))
    print(render(summary))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(summary, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
