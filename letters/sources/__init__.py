"""Following other groups' lists: sources, syncs, the changes they propose (docs/feed.md)."""
