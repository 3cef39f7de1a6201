"""Forgot my password: a reset link by email (DESIGN §11)."""
