"""Test helpers shared by every app (pytest plugins, not product code)."""
