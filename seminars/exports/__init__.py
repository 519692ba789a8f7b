"""Lists for staff: participants (CSV, XLSX), sign-in sheets (PDF), the seminar overview."""
