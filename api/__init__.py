"""The ways in: one service facade, the CLI and the HTTP app, and the settings built at the edge."""
