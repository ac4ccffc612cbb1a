"""Facilities: prisons and mail centres, their addresses and what they allow."""
