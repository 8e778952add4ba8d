"""The gradient-flow animation: its plan, its text, the overlay, the player and still frames."""
