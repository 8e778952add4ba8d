"""The command line: ``backprop-studio`` and its subcommands, one module each."""
