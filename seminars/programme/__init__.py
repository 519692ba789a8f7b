"""The programme every domain builds on: seminars, sessions, topics, venues, instructors,
their labels, free places as a pure function, sessions as text and the iCalendar form."""
