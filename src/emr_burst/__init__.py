"""emr-burst: CDK constructs and reference stacks to burst on-premises data-lake work to EMR."""

__version__ = "0.1.0"
