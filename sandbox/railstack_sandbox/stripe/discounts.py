"""/v1/coupons and /v1/tax_rates.

Coupons: custom ids are unique; only name, metadata and currency_options change after creation; DELETE exists.
Tax rates: percentage and inclusive never change; there is no DELETE (archive with active=false).
"""
from .api import expandable, render, render_list, route
from .errors import StripeError, invalid
from .fields import assign, currency, metadata, unset

COUPONS = "coupons"
TAX_RATES = "tax_rates"
FIVE_YEARS = 5 * 366 * 24 * 3600


# ------------------------------------------------------------------------------ coupons
def _coupon_terms(account, params):
    percent, amount = params.get("percent_off"), params.get("amount_off")
    if (percent is None) == (amount is None):
        raise invalid("You must pass exactly one of percent_off or amount_off.", param="percent_off")
    if percent is not None and not 0 < percent <= 100:
        raise invalid("percent_off must be greater than 0 and at most 100.", param="percent_off")
    cur = None
    if amount is not None:
        if amount < 1:
            raise invalid("This value must be greater than or equal to 1.", param="amount_off")
        if not params.get("currency"):
            raise invalid("You must pass currency when passing amount_off.", param="currency",
                          code="parameter_missing")
        cur = currency(params["currency"])
    duration = params.get("duration", "once")
    months = params.get("duration_in_months")
    if duration == "repeating" and not months:
        raise invalid("You must pass duration_in_months when duration is repeating.", param="duration_in_months",
                      code="parameter_missing")
    if duration != "repeating" and months is not None:
        raise invalid("duration_in_months can only be passed when duration is repeating.", param="duration_in_months")
    redeem_by = params.get("redeem_by")
    if redeem_by is not None and not account.now() < redeem_by <= account.now() + FIVE_YEARS:
        raise invalid("redeem_by must be in the future and at most 5 years from now.", param="redeem_by")
    if params.get("max_redemptions") is not None and params["max_redemptions"] < 1:
        raise invalid("This value must be greater than or equal to 1.", param="max_redemptions")
    for product_id in (params.get("applies_to") or {}).get("products") or []:
        account.get("products", product_id, "product", "applies_to[products]")
    return percent, amount, cur, duration, months, redeem_by


def _coupon_name(value):
    if value and len(value) > 40:
        raise invalid("name can be at most 40 characters.", param="name")
    return unset(value)


@route("POST", "coupons", "coupons.create")
def create_coupon(account, params):
    coupon_id = params.get("id") or account.random_chars(8).upper()
    if coupon_id in account.objects(COUPONS):
        raise StripeError(400, "Coupon already exists.", code="resource_already_exists", param="id")
    percent, amount, cur, duration, months, redeem_by = _coupon_terms(account, params)
    coupon = {
        "id": coupon_id,
        "object": "coupon",
        "amount_off": amount,
        "created": account.now(),
        "currency": cur,
        "duration": duration,
        "duration_in_months": months,
        "livemode": account.livemode,
        "max_redemptions": params.get("max_redemptions"),
        "metadata": metadata({}, params.get("metadata")),
        "name": _coupon_name(params.get("name")),
        "percent_off": percent,
        "redeem_by": redeem_by,
        "times_redeemed": 0,
        "valid": True,
        "_applies_to": params.get("applies_to"),
        "_currency_options": params.get("currency_options"),
    }
    account.add(COUPONS, coupon)
    return 200, render(account, coupon, params.get("expand"))


@route("GET", "coupons", "coupons.list")
def list_coupons(account, params):
    return 200, render_list(account, COUPONS, "/v1/coupons", params)


@route("GET", "coupons/([^/]+)", "coupons.retrieve")
def retrieve_coupon(account, params, coupon_id):
    return 200, render(account, account.get(COUPONS, coupon_id, "coupon"), params.get("expand"))


@route("POST", "coupons/([^/]+)", "coupons.update")
def update_coupon(account, params, coupon_id):
    coupon = account.get(COUPONS, coupon_id, "coupon")
    if "name" in params:
        coupon["name"] = _coupon_name(params["name"])
    if "currency_options" in params:
        coupon["_currency_options"] = params["currency_options"]
    coupon["metadata"] = metadata(coupon["metadata"], params.get("metadata"))
    account.changed(COUPONS, coupon)
    return 200, render(account, coupon, params.get("expand"))


@route("DELETE", "coupons/([^/]+)", "coupons.delete")
def delete_coupon(account, params, coupon_id):
    account.get(COUPONS, coupon_id, "coupon")
    account.remove(COUPONS, coupon_id)
    return 200, {"id": coupon_id, "object": "coupon", "deleted": True}


@expandable("coupon", "applies_to")
def _expand_applies_to(account, coupon):
    return coupon.get("_applies_to")


@expandable("coupon", "currency_options")
def _expand_coupon_currency_options(account, coupon):
    return coupon.get("_currency_options")


# ------------------------------------------------------------------------------ tax rates
def _country(value):
    if value is not None and (len(value) != 2 or not value.isalpha() or not value.isupper()):
        raise invalid("Country '%s' is unknown. Try using a 2-character alphanumeric country code instead, such as "
                      "'US', 'DE', or 'FR'." % value, param="country")
    return value


@route("POST", "tax_rates", "tax_rates.create")
def create_tax_rate(account, params):
    percentage = params["percentage"]
    if not 0 <= percentage <= 100:
        raise invalid("percentage must be between 0 and 100.", param="percentage")
    rate = {
        "id": account.new_id("txr"),
        "object": "tax_rate",
        "active": params.get("active", True),
        "country": _country(params.get("country")),
        "created": account.now(),
        "description": params.get("description"),
        "display_name": params["display_name"],
        "effective_percentage": percentage,
        "flat_amount": None,
        "inclusive": params["inclusive"],
        "jurisdiction": params.get("jurisdiction"),
        "jurisdiction_level": None,
        "livemode": account.livemode,
        "metadata": metadata({}, params.get("metadata")),
        "percentage": percentage,
        "rate_type": "percentage",
        "state": params.get("state"),
        "tax_type": params.get("tax_type"),
    }
    account.add(TAX_RATES, rate)
    return 200, render(account, rate, params.get("expand"))


@route("GET", "tax_rates", "tax_rates.list")
def list_tax_rates(account, params):
    def keep(rate):
        return all(field not in params or rate[field] == params[field] for field in ("active", "inclusive"))
    return 200, render_list(account, TAX_RATES, "/v1/tax_rates", params, keep)


@route("GET", "tax_rates/([^/]+)", "tax_rates.retrieve")
def retrieve_tax_rate(account, params, rate_id):
    return 200, render(account, account.get(TAX_RATES, rate_id, "tax rate"), params.get("expand"))


@route("POST", "tax_rates/([^/]+)", "tax_rates.update")
def update_tax_rate(account, params, rate_id):
    rate = account.get(TAX_RATES, rate_id, "tax rate")
    assign(rate, params, plain=("active", "display_name", "tax_type", "description", "jurisdiction", "state"))
    if "country" in params:
        rate["country"] = _country(params["country"])
    account.changed(TAX_RATES, rate)
    return 200, render(account, rate, params.get("expand"))
