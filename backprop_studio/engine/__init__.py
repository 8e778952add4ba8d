"""The graph run by torch: compile once per revision, run forward and backward, train. No Qt."""

from . import leaves as _leaves  # noqa: F401  (installs the recipe materialiser for the model)
