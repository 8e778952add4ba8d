"""Looking into gradients: the backward panel, the gradient check, forward mode and accumulation."""
