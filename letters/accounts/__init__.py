"""Running the group's accounts: invitations, roles, deactivating, resetting a second factor."""
