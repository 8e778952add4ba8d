"""The graph as plain data: no torch, no Qt."""
