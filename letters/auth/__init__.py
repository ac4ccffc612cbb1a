"""Coordinator accounts: log in, log out, first-run set-up, password change."""
