"""The HTTP routes, one module per area, each an `APIRouter`; `api/app.py` lists them in `ROUTERS`."""
