"""iCalendar feeds of the published programme."""
