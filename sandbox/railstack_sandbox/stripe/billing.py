"""/v1/billing/meters and /v1/billing_portal/configurations.

Meters: only display_name changes; no DELETE, but deactivate / reactivate; one active meter per event_name.
Portal configurations: no DELETE (active=false archives, except the default configuration); the products of
features.subscription_update are left out of answers unless expanded (expand[]=features.subscription_update.products).
"""
import copy

from .api import expandable, render, render_list, route
from .errors import invalid
from .fields import assign, http_url, metadata, unset

METERS = "billing_meters"
CONFIGURATIONS = "billing_portal_configurations"


# ------------------------------------------------------------------------------ meters
def _meter(account, meter_id):
    return account.get(METERS, meter_id, "billing.meter")


def _event_name_free(account, event_name, except_id=None):
    for other in account.objects(METERS).values():
        if other["event_name"] == event_name and other["status"] == "active" and other["id"] != except_id:
            raise invalid("An active meter with event_name `%s` already exists (%s). You can only use an event name "
                          "with a single meter." % (event_name, other["id"]), param="event_name")


@route("POST", "billing/meters", "billing.meters.create")
def create_meter(account, params):
    if len(params["event_name"]) > 100:
        raise invalid("event_name can be at most 100 characters.", param="event_name")
    _event_name_free(account, params["event_name"])
    now = account.now()
    meter = {
        "id": account.new_id("mtr"),
        "object": "billing.meter",
        "created": now,
        "customer_mapping": params.get("customer_mapping") or {"event_payload_key": "stripe_customer_id", "type": "by_id"},
        "default_aggregation": {"formula": params["default_aggregation"]["formula"]},
        "display_name": params["display_name"],
        "event_name": params["event_name"],
        "event_time_window": params.get("event_time_window"),
        "livemode": account.livemode,
        "status": "active",
        "status_transitions": {"deactivated_at": None},
        "updated": now,
        "value_settings": params.get("value_settings") or {"event_payload_key": "value"},
    }
    account.add(METERS, meter)
    return 200, render(account, meter, params.get("expand"))


@route("GET", "billing/meters", "billing.meters.list")
def list_meters(account, params):
    return 200, render_list(account, METERS, "/v1/billing/meters", params,
                            lambda meter: "status" not in params or meter["status"] == params["status"])


@route("GET", "billing/meters/([^/]+)", "billing.meters.retrieve")
def retrieve_meter(account, params, meter_id):
    return 200, render(account, _meter(account, meter_id), params.get("expand"))


@route("POST", "billing/meters/([^/]+)/deactivate", "billing.meters.deactivate")
def deactivate_meter(account, params, meter_id):
    meter = _meter(account, meter_id)
    if meter["status"] != "active":
        raise invalid("This meter is already inactive.")
    meter["status"] = "inactive"
    meter["status_transitions"] = {"deactivated_at": account.now()}
    account.changed(METERS, meter)
    return 200, render(account, meter, params.get("expand"))


@route("POST", "billing/meters/([^/]+)/reactivate", "billing.meters.reactivate")
def reactivate_meter(account, params, meter_id):
    meter = _meter(account, meter_id)
    if meter["status"] == "active":
        raise invalid("This meter is already active.")
    _event_name_free(account, meter["event_name"], meter_id)
    meter["status"] = "active"
    meter["status_transitions"] = {"deactivated_at": None}
    account.changed(METERS, meter)
    return 200, render(account, meter, params.get("expand"))


@route("POST", "billing/meters/([^/]+)", "billing.meters.update")
def update_meter(account, params, meter_id):
    meter = _meter(account, meter_id)
    if "display_name" in params:
        meter["display_name"] = params["display_name"]
    account.changed(METERS, meter)
    return 200, render(account, meter, params.get("expand"))


# ------------------------------------------------------------------------------ portal configurations
DEFAULT_FEATURES = {
    "customer_update": {"allowed_updates": [], "enabled": False},
    "invoice_history": {"enabled": False},
    "payment_method_update": {"enabled": False, "payment_method_configuration": None},
    "subscription_cancel": {"cancellation_reason": {"enabled": False, "options": []}, "enabled": False,
                            "mode": "at_period_end", "proration_behavior": "none"},
    "subscription_pause": {"enabled": False},
    "subscription_update": {"billing_cycle_anchor": None, "default_allowed_updates": [], "enabled": False,
                            "proration_behavior": "none", "schedule_at_period_end": {"conditions": []},
                            "trial_update_behavior": "end_trial"},
}


def _configuration(account, configuration_id):
    return account.get(CONFIGURATIONS, configuration_id, "billing_portal.configuration")


def _merge(current, given, param):
    """current with the given (validated) fields laid over it; "" clears a field to its empty value."""
    merged = copy.deepcopy(current)
    for key, value in (given or {}).items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value, "%s[%s]" % (param, key))
        elif value == "":
            merged[key] = [] if isinstance(merged.get(key), list) else None
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def _features(account, current, given, products):
    """(features as shown, subscription_update products) after applying the given features."""
    features = _merge(current, {k: v for k, v in (given or {}).items() if k != "subscription_update"}, "features")
    update = dict((given or {}).get("subscription_update") or {})
    if "products" in update:
        products = [] if update["products"] == "" else update.pop("products")
        update.pop("products", None)
    features["subscription_update"] = _merge(features["subscription_update"], update,
                                             "features[subscription_update]")
    for index, item in enumerate(products):
        param = "features[subscription_update][products][%d]" % index
        account.get("products", item["product"], "product", param + "[product]")
        for price_id in item["prices"]:
            price = account.get("prices", price_id, "price", param + "[prices]")
            if price["product"] != item["product"] or not price["recurring"]:
                raise invalid("The price `%s` is not a recurring price of product `%s`." % (price_id, item["product"]),
                              param=param + "[prices]")
    if features["subscription_update"]["enabled"] and not products:
        raise invalid("You must specify at least one product when subscription updates are enabled.",
                      param="features[subscription_update][products]")
    reason = features["subscription_cancel"]["cancellation_reason"]
    if reason["enabled"] and not reason["options"]:
        raise invalid("You must specify at least one cancellation reason option when cancellation reasons are "
                      "enabled.", param="features[subscription_cancel][cancellation_reason][options]")
    return features, products


def _urls(account, params):
    for field in ("privacy_policy_url", "terms_of_service_url"):
        value = (params.get("business_profile") or {}).get(field)
        if value:
            http_url(value, False, "business_profile[%s]" % field)
    if params.get("default_return_url"):
        http_url(params["default_return_url"], False, "default_return_url")


@route("POST", "billing_portal/configurations", "billing_portal.configurations.create")
def create_configuration(account, params):
    _urls(account, params)
    features, products = _features(account, DEFAULT_FEATURES, params["features"], [])
    now = account.now()
    login = (params.get("login_page") or {}).get("enabled", False)
    configuration = {
        "id": account.new_id("bpc"),
        "object": "billing_portal.configuration",
        "active": True,
        "application": None,
        "business_profile": _merge({"headline": None, "privacy_policy_url": None, "terms_of_service_url": None},
                                   params.get("business_profile"), "business_profile"),
        "created": now,
        "default_return_url": unset(params.get("default_return_url")),
        "features": features,
        "is_default": False,
        "livemode": account.livemode,
        "login_page": {"enabled": login, "url": None},
        "metadata": metadata({}, params.get("metadata")),
        "name": unset(params.get("name")),
        "updated": now,
        "_products": products,
    }
    if login:
        configuration["login_page"]["url"] = "https://billing.stripe.com/p/login/test_" + account.random_chars(14)
    account.add(CONFIGURATIONS, configuration)
    return 200, render(account, configuration, params.get("expand"))


@route("GET", "billing_portal/configurations", "billing_portal.configurations.list")
def list_configurations(account, params):
    def keep(configuration):
        return all(field not in params or configuration[field] == params[field] for field in ("active", "is_default"))
    return 200, render_list(account, CONFIGURATIONS, "/v1/billing_portal/configurations", params, keep)


@route("GET", "billing_portal/configurations/([^/]+)", "billing_portal.configurations.retrieve")
def retrieve_configuration(account, params, configuration_id):
    return 200, render(account, _configuration(account, configuration_id), params.get("expand"))


@route("POST", "billing_portal/configurations/([^/]+)", "billing_portal.configurations.update")
def update_configuration(account, params, configuration_id):
    configuration = _configuration(account, configuration_id)
    _urls(account, params)
    if params.get("active") is False and configuration["is_default"]:
        raise invalid("You cannot set `active: false` on your default PortalConfiguration.", param="active")
    if "features" in params:
        configuration["features"], configuration["_products"] = _features(
            account, configuration["features"], params["features"], configuration["_products"])
    if "business_profile" in params:
        configuration["business_profile"] = _merge(configuration["business_profile"], params["business_profile"],
                                                   "business_profile")
    if "login_page" in params:
        enabled = params["login_page"]["enabled"]
        url = configuration["login_page"]["url"] or "https://billing.stripe.com/p/login/test_" + account.random_chars(14)
        configuration["login_page"] = {"enabled": enabled, "url": url if enabled else None}
    assign(configuration, params, plain=("active",), unsettable=("default_return_url", "name"))
    account.changed(CONFIGURATIONS, configuration)
    return 200, render(account, configuration, params.get("expand"))


@expandable("billing_portal.configuration", "features.subscription_update.products")
def _expand_products(account, configuration):
    return [{"adjustable_quantity": dict({"enabled": False, "maximum": None, "minimum": 1},
                                         **(item.get("adjustable_quantity") or {})),
             "prices": list(item["prices"]), "product": item["product"]}
            for item in configuration["_products"]]
