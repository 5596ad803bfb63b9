# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""clerk_redirect_urls in real playbooks against the recording sandbox."""
from __future__ import annotations

from .clerk_helpers import assert_contract, clerk_call, no_secret_in, writes

PLAYBOOK = """
- name: Clerk redirect URLs
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Redirect URLs
      railstack.platform.clerk_redirect_urls:
        urls: "{{ urls }}"
        exclusive: "{{ exclusive | default(true) }}"
        state: "{{ wanted | default('present') }}"
"""


def urls_at_clerk(sandbox):
    return sorted(r["url"] for r in sandbox.client.state()["clerk"]["instances"]["development"]["redirect_urls"].values())


def test_redirect_urls_converge(sandbox, sandbox_env, run_playbook, traffic, reset_sandbox):
    reset_sandbox()
    assert clerk_call(sandbox_env, "POST", "/redirect_urls", {"url": "https://stale.example/cb"})[0] == 200
    urls = ["prela://oauth-callback", "https://dashboard.prela.app/sso-callback"]
    with traffic.window() as first:
        run = run_playbook(PLAYBOOK, extra_vars={"urls": urls}, diff=True, verbosity=4).assert_ok()
    no_secret_in(run, sandbox_env["CLERK_SECRET_KEY"])
    assert run.changed == ["Redirect URLs"]
    assert run.task("Redirect URLs")["removed"] == ["https://stale.example/cb"]
    assert urls_at_clerk(sandbox) == sorted(urls)
    assert [e["method"] for e in writes(first)] == ["DELETE", "POST", "POST"]

    with traffic.window() as second:
        again = run_playbook(PLAYBOOK, extra_vars={"urls": list(reversed(urls))}).assert_ok()
    assert again.changed == [] and writes(second) == [], second.summary()

    with traffic.window() as check:
        planned = run_playbook(PLAYBOOK, extra_vars={"urls": ["prela://other"]}, check=True, diff=True).assert_ok()
    assert planned.changed == ["Redirect URLs"] and writes(check) == [], check.summary()
    assert urls_at_clerk(sandbox) == sorted(urls)

    with traffic.window() as removal:
        removed = run_playbook(PLAYBOOK, extra_vars={"urls": ["prela://oauth-callback"], "wanted": "absent"}).assert_ok()
    assert removed.changed == ["Redirect URLs"] and [e["method"] for e in writes(removal)] == ["DELETE"]
    assert urls_at_clerk(sandbox) == ["https://dashboard.prela.app/sso-callback"]
    for window, name in ((first, "redirect-first"), (second, "redirect-second"), (check, "redirect-check"),
                         (removal, "redirect-removal")):
        assert_contract(window, name)


def test_bad_url_fails_before_any_write_naming_the_field(sandbox, run_playbook, traffic, reset_sandbox):
    reset_sandbox()
    with traffic.window() as window:
        run = run_playbook(PLAYBOOK, extra_vars={"urls": ["prela://ok", "dashboard.prela.app/cb"]})
    assert run.rc != 0 and run.task("Redirect URLs")["msg"].startswith("urls[1]:")
    assert window.requests == 0 and urls_at_clerk(sandbox) == []
