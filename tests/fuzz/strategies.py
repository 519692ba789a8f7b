"""Hostile values for form fields and query strings."""

from __future__ import annotations

from hypothesis import strategies as st

NASTY = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\t\r\n",
    "\x1b[31m\x07",
    "\u202e\u200b\ufeff",
    "a\u0301" * 3,
    "0",
    "-1",
    "2147483648",
    "99999999999999999999999",
    "1e309",
    "NaN",
    "-0",
    "²",
    "١٢",
    "１２",
    "true",
    "null",
    "[]",
    "{}",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "' OR '1'='1",
    '=HYPERLINK("http://x")',
    "%00%0d%0a",
    "../../etc/passwd",
    "2026-02-30",
    "31.02.2026 25:61",
    "2026-11-22T10:00",
    "22.11.2026 10:00-12:00",
    "a@b.c\r\nBcc: x@example.org",
    "x" * 255,
    "😀🧑🏽‍🦯",
]

huge = st.builds(
    lambda piece, times: piece * times,
    st.sampled_from(["a", "ä", "\x00", "😀", "a b\n"]),
    st.sampled_from([101, 300, 5_000, 60_000]),
)


def value(baseline: list[str], options: list[str]) -> st.SearchStrategy[str]:
    """Mostly plausible, often hostile: what one field may carry."""
    plausible = [v for v in baseline + options if v is not None]
    choices = [
        st.sampled_from(NASTY),
        st.text(max_size=40),
        huge,
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
    ]
    if plausible:
        choices = [st.sampled_from(plausible)] * 3 + choices
    return st.one_of(*choices)


field_name = st.one_of(
    st.sampled_from(["id", "status", "capacity", "role", "seminar_id", "csrf_token", "email"]),
    st.text(min_size=1, max_size=20),
)
