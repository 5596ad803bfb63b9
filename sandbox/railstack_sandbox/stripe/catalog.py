# pylint: disable=disallowed-name  # "_" is an unused argument here (a resolver's parent, a route's match)
"""/v1/products and /v1/prices.

Products: custom ids are unique (400 resource_already_exists); DELETE only without prices.
Prices: amounts, currency, recurring, product and tiers never change (the update endpoint does not take
them); lookup keys are unique per account and move with transfer_lookup_key; a price cannot be
deleted, only archived, and not while it is its product's default price. Listing prices without
`active` returns the active ones, as Stripe documents it.
"""
from .account import public
from .api import expandable, render, render_list, route
from .errors import StripeError, invalid
from .fields import assign, currency, metadata
from .search import search

PRODUCTS = "products"
PRICES = "prices"
MAX_INTERVAL_COUNT = {"day": 1095, "week": 156, "month": 36, "year": 3}


# ------------------------------------------------------------------------------ products
def _product(account, product_id, param="id"):
    return account.get(PRODUCTS, product_id, "product", param)


def _features(value):
    features = value or []
    if len(features) > 15:
        raise invalid("You can have at most 15 marketing features.", param="marketing_features")
    return [{"name": f["name"]} for f in features]


def _images(value):
    images = value or []
    if len(images) > 8:
        raise invalid("You can have at most 8 images.", param="images")
    return list(images)


def _statement_descriptor(value):
    if value is not None and len(value) > 22:
        raise invalid("Statement descriptors can be at most 22 characters long.", param="statement_descriptor")
    return value


@route("POST", "products", "products.create")
def create_product(account, params):
    product_id = params.get("id") or account.new_id("prod", 14)
    if product_id in account.objects(PRODUCTS):
        raise StripeError(400, "Product already exists.", code="resource_already_exists", param="id")
    now = account.now()
    product = {
        "id": product_id,
        "object": "product",
        "active": params.get("active", True),
        "created": now,
        "default_price": None,
        "description": params.get("description"),
        "images": _images(params.get("images")),
        "livemode": account.livemode,
        "marketing_features": _features(params.get("marketing_features")),
        "metadata": metadata({}, params.get("metadata")),
        "name": params["name"],
        "package_dimensions": params.get("package_dimensions"),
        "shippable": params.get("shippable"),
        "statement_descriptor": _statement_descriptor(params.get("statement_descriptor")),
        "tax_code": params.get("tax_code"),
        "tax_details": params.get("tax_details"),
        "type": params.get("type", "service"),
        "unit_label": params.get("unit_label"),
        "updated": now,
        "url": params.get("url"),
    }
    account.add(PRODUCTS, product)
    if params.get("default_price_data"):
        price = _new_price(account, dict(params["default_price_data"], product=product_id), "default_price_data")
        product["default_price"] = price["id"]
        account.changed(PRODUCTS, product)
    return 200, render(account, product, params.get("expand"))


@route("GET", "products/search", "products.search")
def search_products(account, params):
    return 200, search(account, PRODUCTS, "/v1/products/search", params)


@route("GET", "products", "products.list")
def list_products(account, params):
    ids = params.get("ids")
    if ids and (params.get("starting_after") or params.get("ending_before")):
        raise invalid("You cannot use `ids` together with `starting_after` or `ending_before`.", param="ids")

    def keep(product):
        return all((
            "active" not in params or product["active"] == params["active"],
            not ids or product["id"] in ids,
            "shippable" not in params or product["shippable"] == params["shippable"],
            "type" not in params or product["type"] == params["type"],
            "url" not in params or product["url"] == params["url"],
        ))
    return 200, render_list(account, PRODUCTS, "/v1/products", params, keep)


@route("GET", "products/([^/]+)", "products.retrieve")
def retrieve_product(account, params, product_id):
    return 200, render(account, _product(account, product_id), params.get("expand"))


@route("POST", "products/([^/]+)", "products.update")
def update_product(account, params, product_id):
    product = _product(account, product_id)
    if params.get("default_price"):
        price = account.get(PRICES, params["default_price"], "price", "default_price")
        if price["product"] != product_id:
            raise invalid("The price `%s` does not belong to this product." % price["id"], param="default_price")
        if not price["active"]:
            raise invalid("The price `%s` is archived and cannot be the default price." % price["id"],
                          param="default_price")
        product["default_price"] = price["id"]
    assign(product, params, plain=("active", "name", "shippable", "type"),
           unsettable=("description", "package_dimensions", "tax_code", "tax_details", "unit_label", "url"))
    if "statement_descriptor" in params:
        product["statement_descriptor"] = _statement_descriptor(params["statement_descriptor"])
    if "images" in params:
        product["images"] = _images(params["images"])
    if "marketing_features" in params:
        product["marketing_features"] = _features(params["marketing_features"])
    account.changed(PRODUCTS, product)
    return 200, render(account, product, params.get("expand"))


@route("DELETE", "products/([^/]+)", "products.delete")
def delete_product(account, params, product_id):
    _product(account, product_id)
    if any(price["product"] == product_id for price in account.objects(PRICES).values()):
        raise invalid("This product cannot be deleted because it has one or more user-created prices.")
    account.remove(PRODUCTS, product_id)
    return 200, {"id": product_id, "object": "product", "deleted": True}


@expandable("product", "default_price")
def _expand_default_price(account, product):
    price_id = product["default_price"]
    return public(account.objects(PRICES)[price_id]) if price_id else None


# ------------------------------------------------------------------------------ prices
def _price(account, price_id, param="id"):
    return account.get(PRICES, price_id, "price", param)


def _lookup_key(account, params, keeper_id=None):
    """Take params' lookup_key for a price: free, or moved from another price with transfer_lookup_key."""
    key = params.get("lookup_key")
    if not key:
        return None
    if len(key) > 200:
        raise invalid("lookup_key can be at most 200 characters.", param="lookup_key")
    for other in account.objects(PRICES).values():
        if other["lookup_key"] == key and other["id"] != keeper_id:
            if not params.get("transfer_lookup_key"):
                raise invalid("A price (`%s`) already uses that lookup key." % other["id"], param="lookup_key")
            other["lookup_key"] = None
            account.changed(PRICES, other)
    return key


def _recurring(account, value):
    if value is None:
        return None
    interval = value["interval"]
    count = value.get("interval_count", 1)
    if not 1 <= count <= MAX_INTERVAL_COUNT[interval]:
        raise invalid("The maximum billing interval is 3 years (%d %ss)." % (MAX_INTERVAL_COUNT[interval], interval),
                      param="recurring[interval_count]")
    usage_type = value.get("usage_type", "licensed")
    meter = value.get("meter")
    if usage_type == "metered" and not meter:
        raise invalid("Metered prices must be backed by a billing meter: set recurring[meter].",
                      param="recurring[meter]")
    if meter:
        if usage_type != "metered":
            raise invalid("recurring[meter] can only be set when recurring[usage_type] is `metered`.",
                          param="recurring[meter]")
        found = account.get("billing_meters", meter, "billing meter", "recurring[meter]")
        if found["status"] != "active":
            raise invalid("You can't attach a deactivated meter to a price.", param="recurring[meter]")
    return {"interval": interval, "interval_count": count, "meter": meter,
            "trial_period_days": value.get("trial_period_days"), "usage_type": usage_type}


def _amounts(params, name):
    """(unit_amount, unit_amount_decimal) of a new price; one way to give the amount, as Stripe requires."""
    if params.get("billing_scheme", "per_unit") == "tiered":
        if not params.get("tiers") or not params.get("tiers_mode"):
            raise invalid("Tiered prices need tiers and tiers_mode.", param=name("tiers"), code="parameter_missing")
        return None, None
    given = [k for k in ("unit_amount", "unit_amount_decimal", "custom_unit_amount") if k in params]
    if len(given) != 1:
        raise invalid("Exactly one of %s, %s or %s is required for a per_unit price." % (
            name("unit_amount"), name("unit_amount_decimal"), name("custom_unit_amount")),
            param=name(given[-1] if given else "unit_amount"), code=None if given else "parameter_missing")
    if "unit_amount" in params:
        if params["unit_amount"] < 0:
            raise invalid("This value must be greater than or equal to 0.", param=name("unit_amount"))
        return params["unit_amount"], str(params["unit_amount"])
    if "unit_amount_decimal" in params:
        decimal = params["unit_amount_decimal"]
        whole, _, fraction = decimal.partition(".")
        if not whole.isdigit() or (fraction and not fraction.isdigit()):
            raise invalid("Invalid decimal: %s" % decimal, param=name("unit_amount_decimal"))
        return (int(whole) if not fraction.strip("0") else None), decimal
    return None, None


def _new_price(account, params, parent=None):
    """Create a price from validated params (of POST /v1/prices, or a product's `parent` price data)."""
    def name(field):
        return "%s[%s]" % (parent, field) if parent else field

    product_id = params.get("product")
    if product_id and params.get("product_data"):
        raise invalid("You may only specify one of these parameters: product, product_data.", param="product")
    if not product_id and not params.get("product_data"):
        raise invalid("Missing required param: product.", param="product", code="parameter_missing")
    if product_id:
        _product(account, product_id, name("product"))
    unit_amount, unit_amount_decimal = _amounts(params, name)
    recurring = _recurring(account, params.get("recurring"))
    cur = currency(params["currency"], name("currency"))
    if params.get("product_data"):
        product_id = create_product(account, dict(params["product_data"]))[1]["id"]
    price = {
        "id": account.new_id("price"),
        "object": "price",
        "active": params.get("active", True),
        "billing_scheme": params.get("billing_scheme", "per_unit"),
        "created": account.now(),
        "currency": cur,
        "custom_unit_amount": params.get("custom_unit_amount"),
        "livemode": account.livemode,
        "lookup_key": _lookup_key(account, params),
        "metadata": metadata({}, params.get("metadata")),
        "nickname": params.get("nickname"),
        "product": product_id,
        "recurring": recurring,
        "tax_behavior": params.get("tax_behavior", "unspecified"),
        "tiers_mode": params.get("tiers_mode"),
        "transform_quantity": params.get("transform_quantity"),
        "type": "recurring" if recurring else "one_time",
        "unit_amount": unit_amount,
        "unit_amount_decimal": unit_amount_decimal,
        "_currency_options": params.get("currency_options"),
        "_tiers": params.get("tiers"),
    }
    return account.add(PRICES, price)


@route("POST", "prices", "prices.create")
def create_price(account, params):
    return 200, render(account, _new_price(account, params), params.get("expand"))


@route("GET", "prices/search", "prices.search")
def search_prices(account, params):
    return 200, search(account, PRICES, "/v1/prices/search", params)


@route("GET", "prices", "prices.list")
def list_prices(account, params):
    lookup_keys = params.get("lookup_keys")
    if lookup_keys and len(lookup_keys) > 10:
        raise invalid("You can pass at most 10 lookup_keys.", param="lookup_keys")
    recurring = params.get("recurring") or {}

    def keep(price):
        price_recurring = price["recurring"] or {}
        return all((
            price["active"] == params.get("active", True),
            not lookup_keys or price["lookup_key"] in lookup_keys,
            "currency" not in params or price["currency"] == params["currency"].lower(),
            "product" not in params or price["product"] == params["product"],
            "type" not in params or price["type"] == params["type"],
            all(price_recurring.get(k) == v for k, v in recurring.items()),
        ))
    return 200, render_list(account, PRICES, "/v1/prices", params, keep)


@route("GET", "prices/([^/]+)", "prices.retrieve")
def retrieve_price(account, params, price_id):
    return 200, render(account, _price(account, price_id), params.get("expand"))


@route("POST", "prices/([^/]+)", "prices.update")
def update_price(account, params, price_id):
    price = _price(account, price_id)
    if params.get("active") is False and price["active"]:
        product = account.objects(PRODUCTS).get(price["product"])
        if product is not None and product["default_price"] == price_id:
            raise invalid("This price cannot be archived because it is the default price of its product.",
                          param="active")
    if "tax_behavior" in params and params["tax_behavior"] != price["tax_behavior"]:
        if price["tax_behavior"] != "unspecified":
            raise invalid("tax_behavior cannot be changed once it is set to `%s`." % price["tax_behavior"],
                          param="tax_behavior")
        price["tax_behavior"] = params["tax_behavior"]
    if "lookup_key" in params:
        price["lookup_key"] = _lookup_key(account, params, keeper_id=price_id)
    assign(price, params, plain=("active", "nickname"))
    if "currency_options" in params:
        price["_currency_options"] = params["currency_options"]
    account.changed(PRICES, price)
    return 200, render(account, price, params.get("expand"))


@expandable("price", "product")
def _expand_product(account, price):
    return public(account.objects(PRODUCTS)[price["product"]])


@expandable("price", "currency_options")
def _expand_currency_options(account, price):
    return price.get("_currency_options")


@expandable("price", "tiers")
def _expand_tiers(account, price):
    return price.get("_tiers")
