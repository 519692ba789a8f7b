"""Who changed what and when: the audit log of staff actions."""
