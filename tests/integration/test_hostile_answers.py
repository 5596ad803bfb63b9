# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Real ansible-playbook runs against a provider stub on 127.0.0.1 that answers hostile or broken things: each run
fails (rc != 0) within a bounded time with a clear message naming the provider and the request, shows no
traceback, floods no output, and sends no write."""
from __future__ import annotations

import time

from unit.plugins.module_utils.stub_provider import StubProvider  # pylint: disable=import-error

from .helpers.playbook import run_playbook

STRIPE_KEY = "sk_test_hostile0123456789abcdef"
ZONE = dict(id="023e105f4ecef8ad9ca31a8372d0c353", name="prela.app")
# The playbook's own start-up takes a few seconds; a bounded failure comes well within this.
BOUND_SECONDS = 120

PRICE_PLAYBOOK = """
- name: A price against a Stripe that answers a list without data
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Monthly price
      railstack.platform.stripe_price:
        lookup_key: prela_pro_monthly
        product: prela_pro
        currency: usd
        unit_amount: 1400
        recurring:
          interval: month
"""

DNS_PLAYBOOK = """
- name: Records against a Cloudflare whose pagination never ends
  hosts: localhost
  gather_facts: false
  tasks:
    - name: API record
      railstack.platform.dns_records:
        provider: cloudflare
        zone: prela.app
        records:
          - name: api
            type: CNAME
            values: [abc.up.railway.app]
"""

PROJECT_PLAYBOOK = """
- name: A project against a Railway that answers an 8 MB error
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Project
      railstack.platform.railway_project:
        name: prela
"""


def railway_env(stub):
    return dict(RAILWAY_API_TOKEN="railway-token-0123456789abcdef", RAILWAY_API_URL=stub.url + "/graphql/v2")


def run_against(stub, playbook, env):
    started = time.monotonic()
    run = run_playbook(playbook, env=env, verbosity=3, timeout=BOUND_SECONDS)
    return run, time.monotonic() - started


def assert_clear_failure(run, seconds, task, *words):
    assert run.rc != 0, run
    assert seconds < BOUND_SECONDS
    message = run.task(task)["msg"]
    for word in words:
        assert word in message, message
    output = run.stdout + run.stderr
    assert "Traceback" not in output and "NoneType" not in output, output[-5000:]


def test_stripe_price_list_without_data_fails_and_creates_no_price():
    with StubProvider(lambda request: (200, {"object": "list"})) as stub:
        run, seconds = run_against(stub, PRICE_PLAYBOOK, dict(STRIPE_API_KEY=STRIPE_KEY, STRIPE_API_BASE=stub.url))
    assert_clear_failure(run, seconds, "Monthly price", "Stripe answered GET /v1/prices", "without its data array")
    assert stub.requests and not stub.writes
    assert STRIPE_KEY not in run.stdout + run.stderr


def test_cloudflare_pagination_that_never_ends_stops_and_creates_no_record():
    def answer(request):
        if request.path.endswith("/zones"):
            return 200, dict(success=True, errors=[], result=[ZONE], result_info=dict(total_pages=1))
        page = int(dict(request.query)["page"])
        record = dict(id="rec%d" % page, name="x%d.prela.app" % page, type="A", content="192.0.2.1", ttl=1)
        return 200, dict(success=True, errors=[], result=[record], result_info=dict(page=page, total_pages=10 ** 6))

    with StubProvider(answer) as stub:
        run, seconds = run_against(stub, DNS_PLAYBOOK, dict(CLOUDFLARE_API_TOKEN="cf-token-0123456789abcdef",
                                                            CLOUDFLARE_API_URL=stub.url + "/client/v4"))
    assert_clear_failure(run, seconds, "API record", "Cloudflare: the read of GET /client/v4/zones/",
                         "after 100 pages")
    assert len(stub.requests) == 1 + 100 and not stub.writes


def test_railway_huge_error_message_is_cut_in_the_output():
    body = dict(errors=[dict(message="boom " * (1700 * 1024))])  # 8.5 MB
    with StubProvider(lambda request: (200, body)) as stub:
        run, seconds = run_against(stub, PROJECT_PLAYBOOK, railway_env(stub))
    assert_clear_failure(run, seconds, "Project", "Railway: boom", "characters cut", "query workspaces")
    assert len(run.stdout) + len(run.stderr) < 100000
    assert not stub.writes


def test_railway_errors_after_a_commit_fail_naming_the_mutation_which_is_sent_once():
    def answer(request):
        if request.operation == "query workspaces":
            return 200, dict(data=dict(apiToken=dict(workspaces=[dict(id="w1", name="Prela")])))
        if request.operation == "query projects":
            return 200, dict(data=dict(projects=dict(edges=[], pageInfo=dict(hasNextPage=False, endCursor=None))))
        return 200, dict(data=dict(projectCreate=None),
                         errors=[dict(message="Problem processing request", extensions=dict(code="INTERNAL"))])

    with StubProvider(answer) as stub:
        run, seconds = run_against(stub, PROJECT_PLAYBOOK, railway_env(stub))
    assert_clear_failure(run, seconds, "Project", "Railway: Problem processing request", "mutation projectCreate",
                         "may have been applied")
    assert [r.operation for r in stub.writes] == ["mutation projectCreate"]
