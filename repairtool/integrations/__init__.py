"""Integrations of the engine with the tools people work in (editors, platforms, pipelines)."""
