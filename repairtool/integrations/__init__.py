"""Integrations that meet people where they work: editors, platforms, pipelines, the browser."""
