"""The coordinators' dashboard: letters per week, who has waited longest, campaigns, mail."""
