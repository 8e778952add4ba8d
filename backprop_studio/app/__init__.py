"""The application: the main window and its parts, in sub-packages by job; wires model, engine and canvas together."""
