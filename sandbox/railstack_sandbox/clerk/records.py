"""The Clerk section of the state: one development and one production instance, and how objects look."""
import base64
import hashlib
import time

ADJECTIVES = ["brave", "calm", "eager", "fancy", "gentle", "happy", "jolly", "kind", "lively", "proud", "quiet", "witty"]
ANIMALS = ["otter", "falcon", "badger", "heron", "lynx", "marmot", "panda", "robin", "seal", "tapir", "walrus", "yak"]
PRODUCTION_DOMAIN = "example.com"
DEFAULT_ROLES = (("org:admin", "Admin", True), ("org:member", "Member", False))


def now_ms():
    return int(time.time() * 1000)


def new_id(store, prefix):
    """A Clerk-looking id (ins_, dmn_, jtmp_, ...) from the store's (seedable) id source."""
    return f"{prefix}_{store.new_uuid().replace('-', '')[:27]}"


def initial_state(store):
    return {"instances": {env: new_instance(store, env) for env in ("development", "production")}}


def new_instance(store, environment):
    instance_id = new_id(store, "ins")
    digest = hashlib.sha256(instance_id.encode()).digest()
    slug = f"{ADJECTIVES[digest[0] % len(ADJECTIVES)]}-{ANIMALS[digest[1] % len(ANIMALS)]}-{digest[2] % 90 + 10}"
    created = now_ms()
    roles = {}
    for key, name, creator in DEFAULT_ROLES:
        role_id = new_id(store, "role")
        roles[role_id] = {"object": "role", "id": role_id, "name": name, "key": key, "description": None,
                          "is_creator_eligible": creator, "permissions": [], "created_at": created, "updated_at": created}
    primary_id = new_id(store, "dmn")
    primary_name = f"{slug}.accounts.dev" if environment == "development" else PRODUCTION_DOMAIN
    return {
        "id": instance_id, "environment_type": environment, "allowed_origins": None, "workspace_id": None,
        "slug": slug,
        # PATCH /instance fields Clerk never returns: kept to show they were applied, never answered.
        "settings": {"test_mode": environment == "development", "hibp": True, "support_email": None,
                     "clerk_js_version": None, "development_origin": None, "url_based_session_syncing": True,
                     "cookieless_dev": None, "preferred_sign_in_strategy_when_password_required": ""},
        "restrictions": {"allowlist": False, "blocklist": False, "allowlist_blocklist_disabled_on_sign_in": False,
                         "block_email_subaddresses": False, "block_disposable_email_domains": False},
        "organization_settings": {"enabled": False, "max_allowed_memberships": 5, "max_allowed_roles": 10,
                                  "max_role_sets_allowed": 1, "max_allowed_domains": 10, "creator_role": "org:admin",
                                  "admin_delete_enabled": True, "domains_enabled": False, "slug_disabled": False,
                                  "domains_enrollment_modes": [], "domains_default_role": "org:member",
                                  "initial_role_set_key": None},
        "roles": roles,
        "domains": {primary_id: {"id": primary_id, "name": primary_name, "is_satellite": False, "proxy_url": None,
                                 "is_secondary": None}},
        "jwt_templates": {}, "redirect_urls": {}, "allowlist": {}, "blocklist": {},
        "jwks": {"keys": [{"use": "sig", "kty": "RSA", "kid": instance_id, "alg": "RS256", "e": "AQAB",
                           "n": base64.urlsafe_b64encode(hashlib.sha512(instance_id.encode()).digest() * 4)
                           .decode().rstrip("=")}]},
    }


def instance_object(instance):
    return {"object": "instance", "id": instance["id"], "environment_type": instance["environment_type"],
            "allowed_origins": instance["allowed_origins"], "workspace_id": instance["workspace_id"]}


def domain_object(instance, domain):
    """A Domain as GET /domains shows it: URLs and CNAME targets follow from the name and the instance."""
    name, slug = domain["name"], instance["slug"]
    development = instance["environment_type"] == "development"
    satellite = domain["is_satellite"]
    if development:
        frontend = f"https://{slug}.clerk.accounts.dev"
        accounts = None if satellite else f"https://{slug}.accounts.dev"
        targets = None
    else:
        frontend = f"https://clerk.{name}"
        accounts = None if satellite else f"https://accounts.{name}"
        targets = [{"host": f"clerk.{name}", "value": "frontend-api.clerk.services",
                    "required": domain["proxy_url"] is None}]
        if not satellite:
            mail = instance["id"].split("_", 1)[1][:12].lower()
            targets += [{"host": f"accounts.{name}", "value": "accounts.clerk.services", "required": True},
                        {"host": f"clkmail.{name}", "value": f"mail1.{mail}.clerk.services", "required": True},
                        {"host": f"clk._domainkey.{name}", "value": f"dkim1.{mail}.clerk.services", "required": True},
                        {"host": f"clk2._domainkey.{name}", "value": f"dkim2.{mail}.clerk.services", "required": True}]
    return {"object": "domain", "id": domain["id"], "name": name, "is_satellite": satellite,
            "frontend_api_url": frontend, "accounts_portal_url": accounts, "proxy_url": domain["proxy_url"],
            "development_origin": "", "cname_targets": targets}
