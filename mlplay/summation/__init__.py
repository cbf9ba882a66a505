"""Summation: a GRU that learns to add numbers written as text, and its REPL."""
