"""Synthetic example rosters (fictitious people, real place names) and the script that writes them."""
