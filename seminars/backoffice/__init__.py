"""The staff back office: start page, planning, registrations, attendance, exports."""
