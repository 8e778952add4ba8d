"""Fixtures for engine tests."""

import pytest
import torch


@pytest.fixture
def one_thread():
    """Toy graphs train ~50× faster on one torch thread when the cores are busy (DESIGN.md)."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)
