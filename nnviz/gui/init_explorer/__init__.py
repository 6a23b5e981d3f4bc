"""The initialisation explorer: what the current initialisation does to every layer, and its plots."""
