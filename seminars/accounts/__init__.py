"""Staff accounts: roles, passwords, login, logout that really ends the session."""
