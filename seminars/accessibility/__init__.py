"""Accessibility services: the work that the needs of a seminar's registrations create."""
