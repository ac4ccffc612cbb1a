"""Printing: envelopes, letter sheets, address labels and evening packs as PDF."""
