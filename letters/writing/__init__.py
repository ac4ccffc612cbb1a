"""Writing a letter to one prisoner: the page, the printed letter, and "I sent it"."""
