"""Upcoming birthdays (day and month only), the date to post a card by, and their calendar
feed."""
