"""The editor's collaborators: edits, blocks and their templates, the clipboard, quick add, the
evaluation off the UI thread, and which Trace the canvas shows."""
