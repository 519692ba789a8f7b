"""E-mail from staff to the participants of a seminar, through the outbox."""
