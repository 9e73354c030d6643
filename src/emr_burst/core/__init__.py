"""What every capability shares: validation, IAM, KMS, buckets, removal policy, nag, the stack."""

from emr_burst.core.iam import ManagedPolicyRole
from emr_burst.core.stack import BurstStack

__all__ = ["BurstStack", "ManagedPolicyRole"]
