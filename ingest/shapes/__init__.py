"""Shape detectors: each finds one way plans lay out their actions, wherever it occurs in a document."""
