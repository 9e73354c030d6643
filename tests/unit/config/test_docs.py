"""docs/configuration.md lists exactly the keys the reader knows, each with its default."""

from __future__ import annotations

import json
import re

import pytest

from emr_burst.config import KNOWN_KEYS, PREFIX
from tests.harness.reference import ROOT, cdk_json_context

PAGE = (ROOT / "docs" / "configuration.md").read_text()
#: The first cell of each table row: | `emr-burst:key` | type | default | ...
ROWS = {
    match["key"]: [cell.strip() for cell in match["rest"].split(" | ")]
    for match in re.finditer(r"^\| `emr-burst:(?P<key>\w+)` \| (?P<rest>.*) \|$", PAGE, re.M)
}


def test_every_known_key_has_a_row_and_every_row_is_a_known_key() -> None:
    assert set(ROWS) == KNOWN_KEYS


def test_every_key_the_page_mentions_is_known() -> None:
    mentioned = set(re.findall(r"emr-burst:([A-Za-z]+)", PAGE))
    typos_shown_on_purpose = {"maxAz"}
    assert mentioned - typos_shown_on_purpose == KNOWN_KEYS


@pytest.mark.parametrize("key", sorted(KNOWN_KEYS))
def test_each_row_has_type_default_allowed_sets_stacks_and_an_override(key: str) -> None:
    kind, default, allowed, sets, stacks, example = ROWS[key]
    assert all((kind, default, allowed, sets, stacks)), key
    assert f"-c emr-burst:{key}=" in example or f"-c 'emr-burst:{key}=" in example


@pytest.mark.parametrize(
    "key", sorted(k[len(PREFIX) :] for k in cdk_json_context() if k.startswith(PREFIX))
)
def test_the_documented_default_is_the_cdk_json_value(key: str) -> None:
    value = cdk_json_context()[PREFIX + key]
    default = ROWS[key][1]
    shown = json.dumps(value) if isinstance(value, list | dict | bool) or value is None else value
    assert default.startswith(f"`{shown}`"), (key, default, shown)
