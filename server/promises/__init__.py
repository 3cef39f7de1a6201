"""Placeholder until the kind is written."""
