#!/usr/bin/env python3
"""CDK entry point: synthesizes every emr-burst reference stack from the cdk.json context."""

import aws_cdk as cdk

from emr_burst.stacks import build_reference_app

app = cdk.App()
build_reference_app(app)
app.synth()
