"""symderiv's web face: the learner's page and the HTTP API (``symderiv serve``).

Needs the ``web`` extra (``pip install 'symderiv[web]'``: FastAPI and uvicorn).

>>> from symderiv.web import Settings, create_app
>>> app = create_app(Settings(workers=2))        # an ASGI app for uvicorn
"""

from symderiv.web.app import create_app
from symderiv.web.settings import Settings

__all__ = ["Settings", "create_app"]
