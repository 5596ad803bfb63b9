"""The instance singletons: /instance, /instance/restrictions, /instance/organization_settings,
/organization_roles (read only) and /jwks."""
import re

from .api import BOOL, INT, STR, STRS, body, invalid, not_found, page, route
from .records import instance_object

ORIGIN = re.compile(r"^[a-z][a-z0-9+.-]*://[^/\s?#@]+$", re.I)
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
INSTANCE_FIELDS = {
    "test_mode": (BOOL, True), "hibp": (BOOL, True), "support_email": (STR, True), "clerk_js_version": (STR, True),
    "development_origin": (STR, True), "allowed_origins": (STRS, False), "cookieless_dev": (BOOL, True),
    "url_based_session_syncing": (BOOL, True), "preferred_sign_in_strategy_when_password_required": (STR, True),
}
RESTRICTION_FIELDS = {name: (BOOL, True) for name in (
    "allowlist", "blocklist", "allowlist_blocklist_disabled_on_sign_in", "block_email_subaddresses",
    "block_disposable_email_domains")}
ORGANIZATION_FIELDS = {
    "enabled": (BOOL, True), "max_allowed_memberships": (INT, True), "admin_delete_enabled": (BOOL, True),
    "domains_enabled": (BOOL, True), "slug_disabled": (BOOL, True), "domains_enrollment_modes": (STRS, False),
    "creator_role_id": (STR, True), "domains_default_role_id": (STR, True),
}
ENROLLMENT_MODES = ("manual_invitation", "automatic_invitation", "automatic_suggestion")


@route("GET", "/instance")
def get_instance(ctx):
    return 200, instance_object(ctx.instance)


@route("PATCH", "/instance")
def patch_instance(ctx):
    data = body(ctx.request, INSTANCE_FIELDS)
    for index, origin in enumerate(data.get("allowed_origins") or []):
        if not ORIGIN.match(origin):
            raise invalid("allowed_origins", f"allowed_origins[{index}] must be an origin (scheme://host[:port]).")
    if data.get("support_email") and not EMAIL.match(data["support_email"]):
        raise invalid("support_email", "support_email must be a valid email address.")
    if data.get("development_origin") and not ORIGIN.match(data["development_origin"]):
        raise invalid("development_origin", "development_origin must be an origin (scheme://host[:port]).")
    strategy = data.get("preferred_sign_in_strategy_when_password_required")
    if strategy not in (None, "password", "otp", ""):
        raise invalid("preferred_sign_in_strategy_when_password_required",
                      "preferred_sign_in_strategy_when_password_required must be one of: password, otp, ''.",
                      "form_param_value_invalid")
    for name, value in data.items():
        if name == "allowed_origins":
            ctx.instance["allowed_origins"] = list(value)
        elif value is not None:
            ctx.instance["settings"][name] = value
    ctx.changed()
    return 204, None


@route("PATCH", "/instance/restrictions")
def patch_restrictions(ctx):
    data = body(ctx.request, RESTRICTION_FIELDS)
    updates = {k: v for k, v in data.items() if v is not None}
    if updates:               # an empty PATCH answers the current state and changes nothing
        ctx.instance["restrictions"].update(updates)
        ctx.changed()
    return 200, {"object": "instance_restrictions", **ctx.instance["restrictions"]}


def organization_settings(instance):
    return {"object": "organization_settings", **instance["organization_settings"]}


@route("GET", "/instance/organization_settings")
def get_organization_settings(ctx):
    return 200, organization_settings(ctx.instance)


@route("PATCH", "/instance/organization_settings")
def patch_organization_settings(ctx):
    data = body(ctx.request, ORGANIZATION_FIELDS)
    settings = ctx.instance["organization_settings"]
    if data.get("max_allowed_memberships") is not None and data["max_allowed_memberships"] < 0:
        raise invalid("max_allowed_memberships", "max_allowed_memberships must be 0 or more.", "form_param_value_invalid")
    for mode in data.get("domains_enrollment_modes") or []:
        if mode not in ENROLLMENT_MODES:
            raise invalid("domains_enrollment_modes", f"{mode} is not a domains enrollment mode; use one of "
                          f"{', '.join(ENROLLMENT_MODES)}.", "form_param_value_invalid")
    keys = {}
    for param, setting in (("creator_role_id", "creator_role"), ("domains_default_role_id", "domains_default_role")):
        if data.get(param) is not None:
            role = ctx.instance["roles"].get(data[param])
            if role is None:
                raise invalid(param, f"{param} does not match any organization role of this instance.",
                              "form_param_value_invalid")
            if param == "creator_role_id" and not role["is_creator_eligible"]:
                raise invalid(param, f"The role {role['key']} cannot be an organization creator role.",
                              "form_param_value_invalid")
            keys[setting] = role["key"]
    for name, value in data.items():
        if value is not None and name in settings:
            settings[name] = list(value) if isinstance(value, list) else value
    settings.update(keys)
    ctx.changed()
    return 200, organization_settings(ctx.instance)


@route("GET", "/organization_roles")
def list_organization_roles(ctx):
    query = dict(ctx.request.query).get("query")
    roles = sorted(ctx.instance["roles"].values(), key=lambda r: r["created_at"])
    if query:
        roles = [r for r in roles if r["id"] == query or query in r["name"] or query in r["key"]]
    return 200, page(ctx.request, roles, True)


@route("GET", "/organization_roles/{role_id}")
def get_organization_role(ctx, role_id):
    role = ctx.instance["roles"].get(role_id)
    if role is None:
        raise not_found("Organization role")
    return 200, role


@route("GET", "/jwks")
def get_jwks(ctx):
    return 200, ctx.instance["jwks"]
