"""The pages' script bundles (``make assets`` builds them into ``static/dist``).

The case page loads ``viewer``, the studio's modeler ``modeler`` and its comparison ``diff``;
each bundle comes with its stylesheet. A page whose bundle is not built says what to install
and still shows what the server renders. htmx's boosted navigation swaps only the body and
runs no scripts, so a boosted request for a page with a bundle becomes a full page load.
"""

from __future__ import annotations

import os

from flask import Response, request

DIST = os.path.join(os.path.dirname(__file__), "static", "dist")
PAGE_BUNDLES = {
    "web.cases.case": "viewer",
    "web.studio.modeler": "modeler",
    "web.studio.diff": "diff",
}


def bundle_ready(name: str) -> bool:
    return os.path.exists(os.path.join(DIST, f"{name}.js")) and os.path.exists(
        os.path.join(DIST, f"{name}.css")
    )


def page_context() -> dict:
    return {"bundle_ready": bundle_ready}


def load_pages_with_bundles_in_full():
    """Answer htmx's boosted request for a page with a bundle by a full load of that page."""
    name = PAGE_BUNDLES.get(request.endpoint or "")
    if name and request.headers.get("HX-Boosted") and bundle_ready(name):
        return Response(status=204, headers={"HX-Redirect": request.full_path.rstrip("?")})
    return None
