"""The mail outbox: every e-mail is a row first, written with the change that causes it."""
