"""Back-office pages of the accessibility services: tasks, providers, venue checks and
materials."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("staff_accessibility", __name__, url_prefix="/verwaltung")
