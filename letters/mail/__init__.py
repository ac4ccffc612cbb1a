"""Mail that comes back: replies, returned letters, visitors' reports of a wrong address, and the
addresses that need checking."""
