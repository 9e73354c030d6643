"""Governed data access (Lake Formation fine-grained access control): filled by that capability."""
