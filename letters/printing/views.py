"""Print routes (filled in by the printing work)."""
