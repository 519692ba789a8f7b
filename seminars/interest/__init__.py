"""Demand turned into new dates: interest lists (double opt-in), programme alerts, and the
offers of a new date to the people who waited in vain."""
