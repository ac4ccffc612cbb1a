"""The letter log: every letter counted (one row per "I sent it", evening entry or coordinator
entry), who needs a letter next, and the log's CSV export."""
