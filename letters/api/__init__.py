"""The read-only JSON API for group websites: listed prisoners only."""
