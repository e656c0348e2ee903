"""Integrations of the engine with other tools (editors, platforms, pipelines)."""
