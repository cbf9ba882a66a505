"""Rock-paper-scissors: hand pictures (fetched, recorded, synthetic), the hand models, the game and its camera apps."""
