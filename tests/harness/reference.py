"""Builds the reference app the way ``cdk synth`` does, for the tests, the diff check and bench."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aws_cdk as cdk
from aws_cdk import cx_api

from emr_burst.stacks.reference import ReferenceStacks, build_reference_app

ROOT = Path(__file__).resolve().parents[2]


def cdk_json_context() -> dict[str, Any]:
    """The context block of ``cdk.json`` (``cdk.App()`` in a test does not read it by itself)."""
    context: dict[str, Any] = json.loads((ROOT / "cdk.json").read_text())["context"]
    return context


@dataclass
class BuiltApp:
    """An app with every reference stack, synthesized once."""

    app: cdk.App
    reference: ReferenceStacks
    assembly: cx_api.CloudAssembly

    @property
    def stacks(self) -> list[cdk.Stack]:
        return self.reference.stacks

    @property
    def templates(self) -> dict[str, dict[str, Any]]:
        return {s.stack_name: self.template(s.stack_name) for s in self.stacks}

    def template(self, stack_name: str) -> dict[str, Any]:
        path = Path(self.assembly.directory) / f"{self.artifact(stack_name).template_file}"
        template: dict[str, Any] = json.loads(path.read_text())
        return template

    def template_path(self, stack_name: str) -> Path:
        return Path(self.assembly.directory) / self.artifact(stack_name).template_file

    def artifact(self, stack_name: str) -> cx_api.CloudFormationStackArtifact:
        return self.assembly.get_stack_by_name(stack_name)


#: What the CDK CLI adds to the context of every synth, so tests see what `cdk synth` writes.
CLI_CONTEXT = {
    "aws:cdk:enable-path-metadata": True,
    "aws:cdk:enable-asset-metadata": True,
    "aws:cdk:version-reporting": False,
}


def new_app(overrides: Mapping[str, Any] | None = None, outdir: str | None = None) -> cdk.App:
    """An app with the cdk.json context (plus ``overrides``), as the CDK CLI would create it."""
    context = CLI_CONTEXT | cdk_json_context() | dict(overrides or {})
    return cdk.App(
        context=context,
        outdir=outdir or tempfile.mkdtemp(prefix="emr-burst-synth-"),
        analytics_reporting=False,
    )


def build(overrides: Mapping[str, Any] | None = None, outdir: str | None = None) -> BuiltApp:
    """Build and synthesize the reference app once."""
    app = new_app(overrides, outdir)
    reference = build_reference_app(app)
    return BuiltApp(app=app, reference=reference, assembly=app.synth())
