"""/v1/webhook_endpoints: at most 16 per account and mode; the whsec_ secret is shown by the create answer
only; api_version and connect are fixed at creation. An endpoint created with connect=true shows the
platform's Connect application id in `application` (`ca_...`); the account's own endpoints show null."""
from .api import render, render_list, route
from .errors import StripeError
from .fields import assign, http_url, metadata, unset

KIND = "webhook_endpoints"
MAX_ENDPOINTS = 16


def _get(account, endpoint_id):
    return account.get(KIND, endpoint_id, "webhook endpoint")


@route("POST", "webhook_endpoints", "webhook_endpoints.create")
def create(account, params):
    if len(account.objects(KIND)) >= MAX_ENDPOINTS:
        raise StripeError(400, "You have reached the maximum of %d %s webhook endpoints on this account."
                          % (MAX_ENDPOINTS, "live" if account.livemode else "test"))
    endpoint = {
        "id": account.new_id("we"),
        "object": "webhook_endpoint",
        "api_version": params.get("api_version"),
        "application": account.connect_application() if params.get("connect") else None,
        "created": account.now(),
        "description": unset(params.get("description")),
        "enabled_events": list(params["enabled_events"]),
        "livemode": account.livemode,
        "metadata": metadata({}, params.get("metadata")),
        "status": "enabled",
        "url": http_url(params["url"], account.livemode),
    }
    account.add(KIND, endpoint)
    shown = render(account, endpoint, params.get("expand"))
    shown["secret"] = "whsec_" + account.random_chars(32)
    return 200, shown


@route("GET", "webhook_endpoints", "webhook_endpoints.list")
def list_endpoints(account, params):
    return 200, render_list(account, KIND, "/v1/webhook_endpoints", params)


@route("GET", "webhook_endpoints/([^/]+)", "webhook_endpoints.retrieve")
def retrieve(account, params, endpoint_id):
    return 200, render(account, _get(account, endpoint_id), params.get("expand"))


@route("POST", "webhook_endpoints/([^/]+)", "webhook_endpoints.update")
def update(account, params, endpoint_id):
    endpoint = _get(account, endpoint_id)
    if "url" in params:
        endpoint["url"] = http_url(params["url"], account.livemode)
    if "enabled_events" in params:
        endpoint["enabled_events"] = list(params["enabled_events"])
    if "disabled" in params:
        endpoint["status"] = "disabled" if params["disabled"] else "enabled"
    assign(endpoint, params, unsettable=("description",))
    account.changed(KIND, endpoint)
    return 200, render(account, endpoint, params.get("expand"))


@route("DELETE", "webhook_endpoints/([^/]+)", "webhook_endpoints.delete")
def delete(account, params, endpoint_id):
    _get(account, endpoint_id)
    account.remove(KIND, endpoint_id)
    return 200, {"id": endpoint_id, "object": "webhook_endpoint", "deleted": True}
