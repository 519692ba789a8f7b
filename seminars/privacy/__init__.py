"""Keeping personal data no longer than needed."""
