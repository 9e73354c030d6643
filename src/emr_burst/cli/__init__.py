"""boto3 tools that act on deployed emr-burst stacks (job submission, platform checks)."""
