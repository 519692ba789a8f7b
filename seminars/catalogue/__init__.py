"""The public programme: topics, venues, instructors, seminars, sessions and their pages."""
