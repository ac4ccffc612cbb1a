"""Writing aids kept by coordinators: letter templates, the phrasebook, words to avoid."""
