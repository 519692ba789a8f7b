"""The call list: what staff tell people who take part by phone."""
