"""Cross-cutting pieces: time, database types, Markdown, languages, errors, health."""
