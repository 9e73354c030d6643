"""Session-wide fixtures: the reference app is built and synthesized once for the whole suite."""

from __future__ import annotations

import functools

import pytest

from tests.harness.reference import BuiltApp, build


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-stateful",
        action="store_true",
        help="rewrite tests/snapshot/stateful_resources.json from the synthesized templates",
    )


@functools.cache
def _reference_app() -> BuiltApp:
    return build()


def reference_stack_names() -> list[str]:
    """Stack names for parametrizing tests; builds the app once at collection time."""
    return [stack.stack_name for stack in _reference_app().stacks]


@pytest.fixture(scope="session")
def reference() -> BuiltApp:
    """The reference app exactly as ``make synth`` builds it, synthesized once per session."""
    return _reference_app()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "stack_name" in metafunc.fixturenames:
        metafunc.parametrize("stack_name", reference_stack_names())
