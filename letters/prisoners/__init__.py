"""Prisoners: the public list and profiles, and the coordinators' registry."""
