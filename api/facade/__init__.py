"""The parts of the service facade, one module per area (mixed into :class:`api.service.Service`)."""
