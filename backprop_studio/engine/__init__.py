"""The graph run by torch: compile once per revision, run forward and backward, train. No Qt."""
