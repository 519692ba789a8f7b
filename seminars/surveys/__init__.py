"""Evaluation surveys: questionnaires, invitations, anonymous responses."""
