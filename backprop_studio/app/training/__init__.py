"""Training in the window: the session's Qt adapter, its docks, plots, timeline and Fit view."""
