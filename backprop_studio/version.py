"""The version, alone in a module so that any layer can name it without importing the rest."""

__version__ = "0.1.0"
