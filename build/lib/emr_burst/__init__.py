"""emr-burst: AWS CDK constructs and reference stacks for bursting on-premises data-lake work to EMR."""

__version__ = "0.1.0"
