"""The audit trail: who changed what in the registry, its aids, settings and accounts."""
