"""Statistics for the steering committee: reach, demand and evaluation results."""
