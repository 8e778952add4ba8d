"""Training in the window: the session's Qt adapter, its docks, plots, timeline, and the views that follow a run."""
