"""Importing and exporting the prisoner list as CSV, from the web and the command line."""
