"""The periodic job: expire holds and offers, send reminders, send the outbox."""
