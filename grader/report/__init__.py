"""Renderers: each output format is a function from results to text, side by side."""
