"""Records -> knowledge graph."""
