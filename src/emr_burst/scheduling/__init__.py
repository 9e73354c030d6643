"""Batch scheduling for EMR on EKS (YuniKorn queues): filled by the YuniKorn capability."""
