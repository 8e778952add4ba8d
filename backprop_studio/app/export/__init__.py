"""Pictures and code out of the editor: the export dialog, its actions and the GIF writer."""
