"""Graph builders for engine tests, through the public Graph API only."""

from backprop_studio.model.builders import build, seed_graph

__all__ = ["build", "seed_graph"]
