"""The group's settings: name, return address, home country, donation instructions."""
