"""The group's settings: name, return address, home country, donation instructions, and
whether letters per day are published to groups that follow this list."""
