"""The application: main window, docks, runner; wires model, engine and canvas together."""
