"""Where training runs: the CPU always; CUDA or Apple's MPS when torch reports them available."""

from __future__ import annotations

import torch

DEVICES = ("cpu", "cuda", "mps")


def available_devices() -> list[str]:
    """The devices this machine can train on, CPU first (what a device menu should offer)."""
    found = ["cpu"]
    if torch.cuda.is_available():
        found.append("cuda")
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        found.append("mps")
    return found


def device_problem(device: str, dtype: str) -> str | None:
    """None when ``device`` can train in ``dtype`` here, else the reason a user should read."""
    if device not in DEVICES:
        return f"unknown device '{device}' (choose {', '.join(DEVICES)})"
    if device not in available_devices():
        what = {"cuda": "CUDA (an NVIDIA GPU)", "mps": "MPS (Apple GPU)"}[device]
        return f"{what} is not available on this machine; torch reports only {', '.join(available_devices())}"
    if device == "mps" and dtype == "float64":
        return "MPS has no float64: set the dtype to float32 to train on the Apple GPU"
    return None
