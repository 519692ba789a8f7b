"""Seminar planning in the back office."""
