"""The editor's docks: inspector, program view, palette, value table and attribute editor."""
