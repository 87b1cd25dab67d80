"""Inspecting a model from its config alone: the allowlist, the recount, the rebuild in Keras."""
