"""Text: corpora, character models (GRU and n-gram), generation and the writing REPL."""
