"""Script-style submissions and notebooks: what their recorded models, fits and inputs mean."""
