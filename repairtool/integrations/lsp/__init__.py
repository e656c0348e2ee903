"""``repairtool lsp``: a Language Server (pygls) over the engine; see ``server.py``."""
