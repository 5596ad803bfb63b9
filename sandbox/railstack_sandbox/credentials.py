"""The fake credentials the sandbox accepts, and the env file that points clients at it."""
import os
import shlex
from dataclasses import dataclass


@dataclass
class Credentials:
    """Deterministic and obviously fake, so a saved env file keeps working across restarts."""
    railway: str = "sandbox-railway-account-token-not-a-secret"
    railway_workspace: str = "sandbox-railway-workspace-token-not-a-secret"
    stripe: str = "sk_test_sandbox_stripe_key_not_a_secret"
    clerk: str = "sk_test_sandbox_clerk_key_not_a_secret"
    cloudflare: str = "sandbox-cloudflare-api-token-not-a-secret"
    namecheap_user: str = "railstack-sandbox"
    namecheap: str = "sandbox-namecheap-api-key-not-a-secret"


def env_lines(base_url, credentials):
    values = [
        ("RAILWAY_API_URL", f"{base_url}/graphql/v2"),
        ("RAILWAY_API_TOKEN", credentials.railway),
        ("RAILSTACK_SANDBOX_RAILWAY_WORKSPACE_TOKEN", credentials.railway_workspace),
        ("STRIPE_API_BASE", base_url),
        ("STRIPE_API_KEY", credentials.stripe),
        ("CLERK_API_URL", f"{base_url}/v1"),
        ("CLERK_SECRET_KEY", credentials.clerk),
        ("CLOUDFLARE_API_URL", f"{base_url}/client/v4"),
        ("CLOUDFLARE_API_TOKEN", credentials.cloudflare),
        ("NAMECHEAP_API_URL", f"{base_url}/xml.response"),
        ("NAMECHEAP_API_USER", credentials.namecheap_user),
        ("NAMECHEAP_API_KEY", credentials.namecheap),
        ("NAMECHEAP_CLIENT_IP", "127.0.0.1"),
        ("RAILSTACK_SANDBOX_URL", base_url),
    ]
    return [f"export {name}={shlex.quote(value)}" for name, value in values]


def write_env_file(path, base_url, credentials):
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, "w") as f:
        f.write("\n".join(env_lines(base_url, credentials)) + "\n")
    os.replace(tmp, path)
