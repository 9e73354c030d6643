"""``make bench``: what each stack of the reference app costs to synthesize and to deploy.

Per stack (every stack in the cloud assembly, and every nested stack in them): seconds to construct
it, resources, outputs, Lambda functions, custom resources, nested stacks and template size, each
checked against CloudFormation's limits and against the project's goal of staying under half of
each. For the whole app: import, construct and synth seconds and the peak memory of the process, as
medians over ``--runs`` fresh processes.

    python bench/synth_report.py [--runs 3] [--json bench/results/synth.json]
                                 [--teams 100] [-c emr-burst:eksTeams=analytics ...]

``--teams N`` synthesizes the app with N generated EMR on EKS teams (``team001`` ...), to see how
the stacks grow with the number of teams. A synth that fails (a stack over a CloudFormation limit
fails at synth) is reported with its exit code and the end of its stderr, and the command exits 1.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from critical_path import critical_path

ROOT = Path(__file__).resolve().parents[1]

LAMBDA_TYPES = {"AWS::Lambda::Function", "AWS::Serverless::Function"}
NESTED_STACK_TYPE = "AWS::CloudFormation::Stack"


@dataclass(frozen=True)
class Limit:
    """A CloudFormation per-stack quota, and the share of it the project allows itself."""

    key: str
    label: str
    quota: int
    goal: int


#: CloudFormation quotas per stack (template body read from S3: 1 MB, taken as 1,000,000 bytes,
#: the stricter reading), and the goal of staying under half of each.
LIMITS = (
    Limit("resources", "resources", 500, 250),
    Limit("template_bytes", "template bytes", 1_000_000, 500_000),
    Limit("outputs", "outputs", 200, 100),
)

STDERR_TAIL_LINES = 15
REPORT_PATH = re.compile(r"(/\S+/validation-report\.json)")
ERROR_LINE = re.compile(r"^[A-Za-z_.]*(Error|Exception)\b")


def count_template(template: dict[str, Any]) -> dict[str, int]:
    """Resource, output, Lambda, custom-resource and nested-stack counts of one template."""
    types = [resource["Type"] for resource in template.get("Resources", {}).values()]
    return {
        "resources": len(types),
        "outputs": len(template.get("Outputs", {})),
        "lambdas": sum(t in LAMBDA_TYPES for t in types),
        "custom_resources": sum(
            t.startswith("Custom::") or t == "AWS::CloudFormation::CustomResource" for t in types
        ),
        "nested_stacks": sum(t == NESTED_STACK_TYPE for t in types),
    }


def template_figures(path: Path) -> dict[str, Any]:
    template = json.loads(path.read_text())
    seconds, chain = critical_path(template)
    return {
        **count_template(template),
        "template_bytes": path.stat().st_size,
        "critical_path_s": seconds,
        "critical_path": [f"{logical_id} ({kind})" for logical_id, kind in chain],
    }


def nested_templates(assembly_dir: Path, template_path: Path) -> list[tuple[str, Path]]:
    """The nested stacks of a template, by logical ID, with their template files in the assembly."""
    template = json.loads(template_path.read_text())
    found = []
    for logical_id, resource in template.get("Resources", {}).items():
        if resource.get("Type") != NESTED_STACK_TYPE:
            continue
        asset_path = resource.get("Metadata", {}).get("aws:asset:path")
        if asset_path and (assembly_dir / asset_path).is_file():
            found.append((logical_id, assembly_dir / asset_path))
    return found


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

    construct_seconds: dict[str, float] = getattr(reference, "construct_seconds", {})
    assembly_dir = Path(assembly.directory)
    stacks: dict[str, dict[str, Any]] = {}
    # Every stack the assembly holds, however the app spreads its work over stacks.
    for artifact in assembly.stacks_recursively:
        path = assembly_dir / artifact.template_file
        stacks[artifact.stack_name] = {
            "construct_s": construct_seconds.get(artifact.stack_name),
            **template_figures(path),
        }
        for logical_id, nested_path in nested_templates(assembly_dir, path):
            stacks[f"{artifact.stack_name}/{logical_id}"] = {
                "construct_s": None,
                **template_figures(nested_path),
            }
    return {
        "import_s": imported - started,
        "construct_s": constructed - imported,
        "synth_s": synthesized - constructed,
        "total_s": synthesized - started,
        "stacks": stacks,
    }


@dataclass
class ChildResult:
    """One fresh synth process: its figures, or why it failed."""

    exit_code: int
    peak_mib: float
    figures: dict[str, Any] | None
    stderr_tail: list[str]


def run_child(context: list[str]) -> ChildResult:
    """``measure_once`` in a fresh interpreter, so imports and jsii start-up count.

    ``os.wait4`` gives the resource usage of that one child and the processes it waited for (the
    jsii Node.js runtime included); ``ru_maxrss`` is the largest of them, in KiB on Linux.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(
            [sys.executable, __file__, "--child", *(f"--context={item}" for item in context)],
            stdout=out,
            stderr=err,
            cwd=ROOT,
        )
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode(errors="replace")
        stderr = err.read().decode(errors="replace")
    figures = None
    if proc.returncode == 0:
        figures = json.loads(stdout.strip().splitlines()[-1])
    return ChildResult(
        exit_code=proc.returncode,
        peak_mib=usage.ru_maxrss / 1024,
        figures=figures,
        stderr_tail=stderr.strip().splitlines()[-STDERR_TAIL_LINES:],
    )


def median(values: list[float]) -> float:
    return round(statistics.median(values), 2)


def summarize(
    results: list[ChildResult], teams: int | None, one_team: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Medians of the timings and peak memory; the counts of the first run (they never vary).

    With ``one_team`` (the figures of the same app with one team), each stack also gets what one
    more team adds to it, and the team count at which it would pass half of a limit.
    """
    ok = [r.figures for r in results if r.figures is not None]
    first = ok[0]
    summary: dict[str, Any] = {
        **{key: median([r[key] for r in ok]) for key in ("import_s", "construct_s", "synth_s")},
        "total_s": median([r["total_s"] for r in ok]),
        "total_s_range": [
            round(min(r["total_s"] for r in ok), 2),
            round(max(r["total_s"] for r in ok), 2),
        ],
        "peak_mib": round(statistics.median(r.peak_mib for r in results), 0),
        "peak_mib_range": [
            round(min(r.peak_mib for r in results)),
            round(max(r.peak_mib for r in results)),
        ],
        "runs": len(ok),
        "teams": teams,
        "stacks": {},
    }
    for name, figures in first["stacks"].items():
        seconds = [r["stacks"][name]["construct_s"] for r in ok if name in r["stacks"]]
        construct_s = median(seconds) if None not in seconds else None
        row = {**figures, "construct_s": construct_s, "over": over(figures)}
        if teams and teams > 1 and one_team is not None and name in one_team["stacks"]:
            row["per_team"] = per_team(one_team["stacks"][name], row, teams)
            row["half_at_teams"] = half_at_teams(one_team["stacks"][name], row["per_team"])
        summary["stacks"][name] = row
    if teams and teams > 1 and one_team is not None:
        summary["per_team_s"] = round((summary["total_s"] - one_team["total_s"]) / (teams - 1), 3)
    return summary


def per_team(one: dict[str, Any], many: dict[str, Any], teams: int) -> dict[str, float | None]:
    """What each team after the first adds to a stack: the slope between 1 and ``teams`` teams."""
    slope: dict[str, float | None] = {
        key: (many[key] - one[key]) / (teams - 1)
        for key in ("resources", "template_bytes", "outputs")
    }
    if many.get("construct_s") is not None and one.get("construct_s") is not None:
        slope["construct_s"] = (many["construct_s"] - one["construct_s"]) / (teams - 1)
    else:
        slope["construct_s"] = None
    return slope


def half_at_teams(one: dict[str, Any], slope: dict[str, float | None]) -> str | None:
    """The first team count at which the stack passes half of a limit, and which limit."""
    counts = []
    for limit in LIMITS:
        step = slope[limit.key]
        if step and step > 0:
            at = max(1, int((limit.goal - one[limit.key]) // step) + 2)
            counts.append((at, limit.label))
    if not counts:
        return None
    at, label = min(counts)
    return f"{at} ({label})"


def over(figures: dict[str, Any]) -> list[str]:
    """What a stack exceeds: ``LIMIT`` past a CloudFormation quota, ``half`` past the goal."""
    flags = []
    for limit in LIMITS:
        value = figures[limit.key]
        if value > limit.quota:
            flags.append(f"{limit.label} {value} > LIMIT {limit.quota}")
        elif value > limit.goal:
            flags.append(f"{limit.label} {value} > half {limit.goal}")
    return flags


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in [header, *rows]
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return lines


def render(summary: dict[str, Any]) -> str:
    teams = summary["teams"]
    marginal = "per_team_s" in summary
    header = [
        "stack",
        "construct s",
        "resources",
        "outputs",
        "lambdas",
        "custom res.",
        "nested",
        "template kB",
    ]
    if marginal:
        header += ["+res/team", "+kB/team", "+s/team", "half at teams"]
    header.append("over")
    rows: list[list[str]] = []
    for name, s in summary["stacks"].items():
        row = [
            name,
            "-" if s["construct_s"] is None else f"{s['construct_s']:.2f}",
            str(s["resources"]),
            str(s["outputs"]),
            str(s["lambdas"]),
            str(s["custom_resources"]),
            str(s["nested_stacks"]),
            f"{s['template_bytes'] / 1000:.1f}",
        ]
        if marginal:
            slope = s.get("per_team")
            if slope is None:
                row += ["-", "-", "-", "-"]
            else:
                seconds = slope["construct_s"]
                half_at = s["half_at_teams"]
                row += [
                    f"{slope['resources']:.1f}",
                    f"{slope['template_bytes'] / 1000:.1f}",
                    "-" if seconds is None else f"{seconds:.3f}",
                    "-" if half_at is None else str(half_at),
                ]
        row.append("; ".join(s["over"]) or "ok")
        rows.append(row)
    lines = table(header, rows)
    lines.append("")
    lines.append("critical path of each template (longest dependency chain, rough creation times):")
    for name, s in summary["stacks"].items():
        path = s.get("critical_path") or []
        lines.append(f"  {name}: ~{s.get('critical_path_s', 0)} s over {len(path)} resources")
        lines.extend(f"    {step}" for step in path)
    lines.append("")
    limits = ", ".join(f"{limit.quota} {limit.label}" for limit in LIMITS)
    lines.append(
        f"CloudFormation limits per stack: {limits}; goal: under half of each. "
        f"{len(rows)} stacks, {sum(bool(s['over']) for s in summary['stacks'].values())} over half."
    )
    lo, hi = summary["total_s_range"]
    plo, phi = summary["peak_mib_range"]
    lines.append(
        f"whole app, median of {summary['runs']} fresh processes: import {summary['import_s']} s, "
        f"construct {summary['construct_s']} s, synth {summary['synth_s']} s, "
        f"total {summary['total_s']} s ({lo}-{hi}), peak memory {summary['peak_mib']:.0f} MiB "
        f"({plo}-{phi})"
    )
    if marginal:
        lines.append(
            f"{teams} teams: each team after the first adds {summary['per_team_s']} s to the whole "
            "app (slope between a one-team run and this one; '+' columns likewise per stack; "
            "'half at teams' extrapolates that slope)"
        )
    return "\n".join(lines)


def render_failure(result: ChildResult, context: list[str]) -> str:
    shown = [item if len(item) <= 120 else item[:117] + "..." for item in context]
    # The exception line of a Python traceback (a jsii error ends up as ``RuntimeError: ...``).
    errors = [line.strip() for line in result.stderr_tail if ERROR_LINE.match(line.strip())]
    return "\n".join(
        [
            f"synth FAILED: exit code {result.exit_code}, peak memory {result.peak_mib:.0f} MiB",
            *([f"error: {errors[-1]}"] if errors else []),
            *validation_errors(result.stderr_tail),
            f"context overrides: {shown or 'none'}",
            f"last {len(result.stderr_tail)} lines of stderr:",
            *(f"  {line}" for line in result.stderr_tail),
        ]
    )


def validation_errors(stderr_tail: list[str]) -> list[str]:
    """The errors of the validation report a failed synth names (e.g. too many outputs)."""
    paths = [match for line in stderr_tail for match in REPORT_PATH.findall(line)]
    if not paths or not Path(paths[-1]).is_file():
        return []
    report = json.loads(Path(paths[-1]).read_text())
    lines = []
    for plugin in report.get("pluginReports", []):
        for violation in plugin.get("violations", []):
            if violation.get("severity") != "error":
                continue
            where = ", ".join(c["constructPath"] for c in violation.get("violatingConstructs", []))
            lines.append(
                f"validation error ({plugin['pluginName']}): {violation['ruleName']}: "
                f"{violation['description']} [{where}]"
            )
    return lines


def team_names(count: int) -> list[str]:
    """``team001``, ``team002``, ... (valid namespace and virtual-cluster names)."""
    width = max(3, len(str(count)))
    return [f"team{i:0{width}d}" for i in range(1, count + 1)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Synth cost of every reference stack.")
    parser.add_argument(
        "--runs", type=int, help="fresh processes to take medians over (default 3; 1 with --teams)"
    )
    parser.add_argument("--teams", type=int, help="synthesize with this many generated EKS teams")
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
    if args.teams is not None and args.teams < 1:
        parser.error("--teams takes a positive number")
    if args.child:
        overrides = dict(item.split("=", 1) for item in args.context)
        print(json.dumps(measure_once(overrides)))
        return 0

    context = list(args.context)
    if args.teams:
        context.append(f"emr-burst:eksTeams={','.join(team_names(args.teams))}")
    runs = args.runs or (1 if args.teams else 3)
    results = []
    for _ in range(runs):
        result = run_child(context)
        if result.exit_code != 0:
            print(render_failure(result, context))
            return 1
        results.append(result)
    one_team = None
    if args.teams and args.teams > 1:
        # The slope per team needs the same app with one team.
        baseline = run_child([*args.context, f"emr-burst:eksTeams={team_names(1)[0]}"])
        if baseline.exit_code != 0:
            print(render_failure(baseline, context))
            return 1
        one_team = baseline.figures
    summary = summarize(results, args.teams, one_team)
    print(render(summary))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(summary, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
