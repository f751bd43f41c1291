"""Fixtures of the portal tests: a registered portal with a live webhook, and its item mapping."""

from __future__ import annotations

import pytest

from workflows.portal.clients import register_client, set_service_item

from .portal_support import ITEM_CODE, Receiver, SignedPortal


@pytest.fixture
def receiver(clock):
    receiver = Receiver(clock).start()
    yield receiver
    receiver.stop()


@pytest.fixture
def engine_config(app):
    config = app.extensions["engine_config"]
    config.portal_webhook_timeout_seconds = 0.5
    return config


@pytest.fixture
def portal(app, client, clock, deployed, receiver, engine_config):
    """The provincial portal, registered with the receiver as its webhook."""
    with app.app_context():
        client_id, secret = register_client(engine_config, "tj-zwfw", receiver.url)
        set_service_item(engine_config, ITEM_CODE, "qualification_approval", "检验检测机构资质认定")
    receiver.secret = secret
    return SignedPortal(client, clock, client_id, secret)


@pytest.fixture
def other_portal(app, client, clock, portal, engine_config):
    """A second portal without a webhook (it polls)."""
    with app.app_context():
        client_id, secret = register_client(engine_config, "app-portal", None)
    return SignedPortal(client, clock, client_id, secret)
