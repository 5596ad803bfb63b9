"""railstack-sandbox: a local, stateful stand-in for the Railway, Stripe, Clerk and Cloudflare APIs."""

__version__ = "0.1.0"
