#!/usr/bin/env python3
"""CDK entry point: synthesizes every emr-burst reference stack from the cdk.json context."""

import sys

import aws_cdk as cdk

from emr_burst.core.errors import EmrBurstError
from emr_burst.stacks import build_reference_app


def main() -> int:
    app = cdk.App()
    try:
        build_reference_app(app)
    except EmrBurstError as err:
        # Bad configuration or a bad construct prop is the user's to fix: one line per problem,
        # each with its fix, and no traceback.
        for line in err.lines():
            print(f"emr-burst: {line}", file=sys.stderr)
        return 1
    app.synth()
    return 0


if __name__ == "__main__":
    sys.exit(main())
