"""/jwt_templates: named claim sets for session tokens; signing_key is write-only."""
from .api import BOOL, INT, OBJ, STR, body, invalid, not_found, page, query_bool, route
from .records import new_id, now_ms

FIELDS = {"name": (STR, False), "claims": (OBJ, False), "lifetime": (INT, True), "allowed_clock_skew": (INT, True),
          "custom_signing_key": (BOOL, False), "signing_algorithm": (STR, True), "signing_key": (STR, True)}
# Claims Clerk sets itself in every session token; a template may not override them.
RESERVED_CLAIMS = ("azp", "exp", "iat", "iss", "jti", "nbf", "sub")
SIGNING_ALGORITHMS = ("RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "HS256", "HS384", "HS512", "EdDSA")
PUBLIC = ("object", "id", "name", "claims", "lifetime", "allowed_clock_skew", "custom_signing_key", "signing_algorithm",
          "created_at", "updated_at")


def _public(template):
    return {k: template[k] for k in PUBLIC}


def _check(ctx, data, template_id=None, stored_key=None):
    name = data["name"].strip()
    if not name:
        raise invalid("name", "name must not be blank.", "form_param_value_invalid")
    if any(t["name"] == name and t["id"] != template_id for t in ctx.instance["jwt_templates"].values()):
        raise invalid("name", f"A JWT template named {name} already exists.", "form_identifier_exists", "is taken")
    reserved = sorted(set(data["claims"]) & set(RESERVED_CLAIMS))
    if reserved:
        raise invalid("claims", f"claims cannot contain the reserved claims {', '.join(reserved)}.",
                      "form_param_value_invalid")
    if data.get("lifetime") is not None and not 30 <= data["lifetime"] <= 315360000:
        raise invalid("lifetime", "lifetime must be between 30 and 315360000.", "form_param_value_invalid")
    if data.get("allowed_clock_skew") is not None and not 0 <= data["allowed_clock_skew"] <= 300:
        raise invalid("allowed_clock_skew", "allowed_clock_skew must be between 0 and 300.", "form_param_value_invalid")
    if data.get("custom_signing_key"):
        if not data.get("signing_algorithm"):
            raise invalid("signing_algorithm", "signing_algorithm must be included when custom_signing_key is true.",
                          "form_param_missing", "is missing")
        if not (data.get("signing_key") or stored_key):
            raise invalid("signing_key", "signing_key must be included when custom_signing_key is true.",
                          "form_param_missing", "is missing")
    if data.get("signing_algorithm") and data["signing_algorithm"] not in SIGNING_ALGORITHMS:
        raise invalid("signing_algorithm", f"signing_algorithm must be one of {', '.join(SIGNING_ALGORITHMS)}.",
                      "form_param_value_invalid")
    return name


def _apply(template, data, name):
    custom = bool(data.get("custom_signing_key", template.get("custom_signing_key", False)))
    template.update(name=name, claims=data["claims"], updated_at=now_ms(), custom_signing_key=custom)
    for field, default in (("lifetime", 60), ("allowed_clock_skew", 5)):
        if data.get(field) is not None:
            template[field] = data[field]
        template.setdefault(field, default)
    if custom:
        template["signing_algorithm"] = data.get("signing_algorithm") or template.get("signing_algorithm")
        template["signing_key"] = data.get("signing_key") or template.get("signing_key")
    else:
        template["signing_algorithm"], template["signing_key"] = "RS256", None


@route("GET", "/jwt_templates")
def list_templates(ctx):
    templates = sorted(ctx.instance["jwt_templates"].values(), key=lambda t: t["created_at"])
    return 200, page(ctx.request, [_public(t) for t in templates], query_bool(ctx.request, "paginated"))


@route("POST", "/jwt_templates")
def create_template(ctx):
    data = body(ctx.request, FIELDS, required=("name", "claims"))
    name = _check(ctx, data)
    template_id = new_id(ctx.store, "jtmp")
    template = {"object": "jwt_template", "id": template_id, "created_at": now_ms()}
    _apply(template, data, name)
    ctx.instance["jwt_templates"][template_id] = template
    ctx.changed()
    return 200, _public(template)


def _template(ctx, template_id):
    template = ctx.instance["jwt_templates"].get(template_id)
    if template is None:
        raise not_found("JWT template")
    return template


@route("GET", "/jwt_templates/{template_id}")
def get_template(ctx, template_id):
    return 200, _public(_template(ctx, template_id))


@route("PATCH", "/jwt_templates/{template_id}")
def update_template(ctx, template_id):
    template = _template(ctx, template_id)
    data = body(ctx.request, FIELDS, required=("name", "claims"))
    name = _check(ctx, data, template_id, template.get("signing_key"))
    _apply(template, data, name)
    ctx.changed()
    return 200, _public(template)


@route("DELETE", "/jwt_templates/{template_id}")
def delete_template(ctx, template_id):
    _template(ctx, template_id)
    del ctx.instance["jwt_templates"][template_id]
    ctx.changed()
    return 200, {"object": "jwt_template", "id": template_id, "deleted": True}
