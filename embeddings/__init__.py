"""Graph -> vectors and search."""
