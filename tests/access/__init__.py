"""The runtime access matrix: every access the running platform needs, evaluated against the
IAM, bucket, topic, key and trust policies of the synthesized templates."""
