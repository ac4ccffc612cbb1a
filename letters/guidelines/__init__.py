"""Guidelines for writers: what to write, what never to write, and how to post, per country."""
