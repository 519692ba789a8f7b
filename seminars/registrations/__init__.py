"""Registrations of volunteers for seminars."""
