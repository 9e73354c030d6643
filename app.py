#!/usr/bin/env python3
"""CDK entry point: synthesizes every emr-burst reference stack from the cdk.json context."""

import sys

import aws_cdk as cdk

from emr_burst.config import ConfigError
from emr_burst.stacks import build_reference_app

app = cdk.App()
try:
    build_reference_app(app)
except ConfigError as err:
    # A configuration mistake is the user's to fix: say what and how, without a traceback.
    sys.exit(f"emr-burst: {err}")
app.synth()
