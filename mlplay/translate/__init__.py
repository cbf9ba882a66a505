"""Translation: English → French by a sequence-to-sequence model on Tatoeba's pairs, live as you type."""
