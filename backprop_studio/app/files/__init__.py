"""Files in and out of the editor: open and save, the gallery, CSV data and PyTorch import."""
