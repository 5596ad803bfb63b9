"""Write railstack_sandbox/stripe/params.json: the request parameters of the Stripe endpoints the sandbox
serves, as the official `stripe` Python package 16.1.0 types them (API version 2026-10-28.endive).

    ~/.cache/api-contracts-venv/bin/python sandbox/tools/make_stripe_params.py

(the contract checker's private venv has stripe 16.1.0). The sandbox reads only the JSON file, so it
never needs the stripe package. Node shapes in the file:

    "str" "int" "float" "bool" "any"          scalars ("any": a type this file does not model)
    {"enum": [...]}                            one of these strings
    {"list": NODE}                             an array
    {"map": NODE}                              free keys (metadata: {"map": "str"})
    {"obj": {"name": [REQUIRED, NODE]}}        a nested object
    {"union": [NODE, ...]}                     the first that fits
"""
import importlib
import json
import os
import sys
import types
import typing

import stripe
import typing_extensions

# (route, params class) per endpoint the sandbox serves; the route keys are what the sandbox looks up.
ENDPOINTS = {
    "webhook_endpoints.create": "WebhookEndpointCreateParams",
    "webhook_endpoints.update": "WebhookEndpointUpdateParams",
    "webhook_endpoints.list": "WebhookEndpointListParams",
    "webhook_endpoints.retrieve": "WebhookEndpointRetrieveParams",
    "webhook_endpoints.delete": "WebhookEndpointDeleteParams",
    "products.create": "ProductCreateParams",
    "products.update": "ProductUpdateParams",
    "products.list": "ProductListParams",
    "products.retrieve": "ProductRetrieveParams",
    "products.delete": "ProductDeleteParams",
    "products.search": "ProductSearchParams",
    "prices.create": "PriceCreateParams",
    "prices.update": "PriceUpdateParams",
    "prices.list": "PriceListParams",
    "prices.retrieve": "PriceRetrieveParams",
    "prices.search": "PriceSearchParams",
    "coupons.create": "CouponCreateParams",
    "coupons.update": "CouponUpdateParams",
    "coupons.list": "CouponListParams",
    "coupons.retrieve": "CouponRetrieveParams",
    "coupons.delete": "CouponDeleteParams",
    "tax_rates.create": "TaxRateCreateParams",
    "tax_rates.update": "TaxRateUpdateParams",
    "tax_rates.list": "TaxRateListParams",
    "tax_rates.retrieve": "TaxRateRetrieveParams",
    "billing_portal.configurations.create": "billing_portal.ConfigurationCreateParams",
    "billing_portal.configurations.update": "billing_portal.ConfigurationUpdateParams",
    "billing_portal.configurations.list": "billing_portal.ConfigurationListParams",
    "billing_portal.configurations.retrieve": "billing_portal.ConfigurationRetrieveParams",
    "billing.meters.create": "billing.MeterCreateParams",
    "billing.meters.update": "billing.MeterUpdateParams",
    "billing.meters.list": "billing.MeterListParams",
    "billing.meters.retrieve": "billing.MeterRetrieveParams",
    "billing.meters.deactivate": "billing.MeterDeactivateParams",
    "billing.meters.reactivate": "billing.MeterReactivateParams",
}

# Keys of RequestOptions (client options, never sent as parameters).
REQUEST_OPTIONS = set(stripe.RequestOptions.__annotations__)

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "railstack_sandbox", "stripe", "params.json")


def params_class(dotted):
    module = importlib.import_module("stripe.params" + ("." + dotted.rsplit(".", 1)[0] if "." in dotted else ""))
    return getattr(module, dotted.rsplit(".", 1)[-1])


def is_typeddict(tp):
    return isinstance(tp, type) and issubclass(tp, dict) and hasattr(tp, "__annotations__")


def resolve(tp, ns):
    """An annotation with its string / ForwardRef parts evaluated in the params module's namespace."""
    if isinstance(tp, str):
        return eval(tp, ns)  # pylint: disable=eval-used  # the stripe package's own annotations
    if isinstance(tp, typing.ForwardRef):
        return eval(tp.__forward_arg__, ns)  # pylint: disable=eval-used
    return tp


def node(tp, ns):
    tp = resolve(tp, ns)
    origin = typing_extensions.get_origin(tp)
    if origin is typing_extensions.Literal or origin is typing.Literal:
        return {"enum": [str(a) for a in typing_extensions.get_args(tp)]}
    args = [resolve(a, ns) for a in typing_extensions.get_args(tp)]
    if origin in (typing_extensions.NotRequired, typing_extensions.Required):
        return node(args[0], ns)
    if origin in (typing.Union, types.UnionType):
        parts = []
        enums = []
        for arg in args:
            sub = node(arg, ns)
            if isinstance(sub, dict) and "enum" in sub:
                enums.extend(sub["enum"])
            elif sub not in parts:
                parts.append(sub)
        if any(enums) and "str" in parts:
            # `Literal[...]|str` is the SDK's room for values added later; the API accepts only the listed ones.
            parts.remove("str")
        if enums:
            parts.insert(0, {"enum": enums})
        return parts[0] if len(parts) == 1 else {"union": parts}
    if origin in (list, typing.List):
        return {"list": node(args[0], ns)}
    if origin in (dict, typing.Dict):
        return {"map": node(args[1], ns)}
    name = getattr(origin or tp, "__name__", "")
    if name == "UntypedStripeObject":
        return {"map": node(args[0], ns) if args else "str"}
    if tp is str or name == "Decimal":
        return "str"
    if tp is bool:
        return "bool"
    if tp is int:
        return "int"
    if tp is float:
        return "float"
    if is_typeddict(tp):
        return obj(tp)
    return "any"


def obj(cls):
    fields = {}
    required = getattr(cls, "__required_keys__", set())
    for klass in reversed(cls.__mro__):
        if klass is stripe.RequestOptions or "__annotations__" not in vars(klass):
            continue
        ns = vars(sys.modules[klass.__module__])
        for name, tp in vars(klass)["__annotations__"].items():
            if name in REQUEST_OPTIONS:
                continue
            resolved = resolve(tp, ns)
            optional = typing_extensions.get_origin(resolved) is typing_extensions.NotRequired
            fields[name] = [name in required and not optional, node(resolved, ns)]
    return {"obj": dict(sorted(fields.items()))}


def main():
    assert stripe.VERSION == "16.1.0", "needs stripe 16.1.0, found %s" % stripe.VERSION
    schema = {"stripe_package": stripe.VERSION, "api_version": stripe.api_version, "endpoints": {}}
    for route, dotted in ENDPOINTS.items():
        schema["endpoints"][route] = obj(params_class(dotted))
    with open(OUT, "w") as f:
        json.dump(schema, f, indent=None, separators=(",", ":"), sort_keys=True)
        f.write("\n")
    print("wrote %s (%d endpoints, %d bytes)" % (os.path.normpath(OUT), len(ENDPOINTS), os.path.getsize(OUT)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
