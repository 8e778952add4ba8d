"""Plots (pyqtgraph lives here alone): the loss plot and parameter trajectories."""
