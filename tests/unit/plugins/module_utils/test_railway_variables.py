# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""railway_variables: references checked before any write, generate once, sealed, exclusive, masking."""
from __future__ import annotations

import pytest

from .railway_script import committed, staged_commit
from ansible_collections.railstack.platform.plugins.module_utils import railway_variable_specs, railway_variables as module
from ansible_collections.railstack.platform.plugins.module_utils._task import TaskContext, TaskFailed, execute

TOKEN = "rw-account-token-0123456789"
PID = "22222222-2222-4222-8222-222222222222"
EID = "33333333-3333-4333-8333-333333333333"
API = "44444444-4444-4444-8444-444444444444"
PG = "55555555-5555-4555-8555-555555555555"
PAGE = dict(hasNextPage=False, endCursor=None)


def params(**overrides):
    values = dict(api_token=TOKEN, project_token=None, api_url="http://railway.invalid/graphql/v2", validate_certs=True,
                  timeout=5, project=PID, workspace_id=None, environment=EID, service="api", variables={}, names=[],
                  state="present", exclusive=False, update_mode="compare", skip_deploys=False)
    values.update(overrides)
    return values


def answer(config, unmerged=0):
    return dict(project=dict(id=PID, name="prela",
                             environments=dict(edges=[dict(node=dict(id=EID, name="production", isEphemeral=False))]),
                             services=dict(edges=[dict(node=dict(id=API, name="api")), dict(node=dict(id=PG, name="Postgres"))],
                                           pageInfo=PAGE),
                             volumes=dict(edges=[], pageInfo=PAGE)),
                environment=dict(id=EID, name="production", projectId=PID, config=config, configEtag="e",
                                 unmergedChangesCount=unmerged))


def config(api_vars=None, shared=None):
    return dict(services={API: dict(variables=api_vars or {}),
                          PG: dict(variables=dict(DATABASE_URL=dict(value="postgresql://x"), PGHOST=dict(value="h")))},
                sharedVariables=shared or {})


def run(p, check_mode=False):
    secrets = {TOKEN} | {v for v in p["variables"].values() if isinstance(v, str)}
    return execute(module, TaskContext(p, check_mode=check_mode, diff=True, no_log_values=secrets))


def patch_of(script):
    return [v for dummy, name, v in script.sent if name == "environmentPatchCommit"][-1]["patch"]


# ---------------------------------------------------------------------------------------- the reference checker

CATALOG = dict(services=dict(Postgres={"DATABASE_URL", "PGHOST"}, api={"PORT"}, worker=set()), shared={"SENTRY_DSN"},
               environment="production")


@pytest.mark.parametrize("value", [
    "${{Postgres.DATABASE_URL}}", "${{ Postgres.PGHOST }}:${{PORT}}", "${{shared.SENTRY_DSN}}", "${{RAILWAY_PUBLIC_DOMAIN}}",
    "https://${{api.RAILWAY_PUBLIC_DOMAIN}}", "${{Postgres.RAILWAY_TCP_PROXY_PORT}}", '${{ secret(32, "abcdef") }}',
    "${{ randomInt(1, 9) }}", "plain text with $ and {braces}",
])
def test_accepted_references(value):
    assert railway_variable_specs.reference_problems("variables", dict(X=value), "api", CATALOG) == []


@pytest.mark.parametrize("value, expected", [
    ("${{Postgress.DATABASE_URL}}", "did you mean Postgres?"),
    ("${{Postgres.DATABASE_ULR}}", "did you mean DATABASE_URL?"),
    ("${{shared.SENTRY_DNS}}", "did you mean SENTRY_DSN?"),
    ("${{PROT}}", "did you mean PORT?"),
    ("${{RAILWAY_PUBLIC_DOMIAN}}", "RAILWAY_PUBLIC_DOMAIN"),
    ("${{ secrte(32) }}", "did you mean secret?"),
    ("${{}}", "empty reference"),
])
def test_refused_references_name_candidates(value, expected):
    problems = railway_variable_specs.reference_problems("variables", dict(X=value), "api", CATALOG)
    assert len(problems) == 1 and problems[0].startswith("variables.X:") and expected in problems[0], problems


def test_check_references_raises_with_every_problem():
    with pytest.raises(TaskFailed) as failure:
        railway_variable_specs.check_references("variables", dict(A="${{nope.X}}", B="${{shared.nope}}"), None, CATALOG)
    assert failure.value.msg.startswith("variables.A:") and "variables.B:" in failure.value.msg


# ---------------------------------------------------------------------------------------- the module

def test_sets_variables_in_one_patch_and_second_run_is_one_read(railway_script):
    script = railway_script(("environmentState", answer(config())),
                            *committed("p", "e"))
    result = run(params(variables={"DATABASE_URL": "${{Postgres.DATABASE_URL}}", "PORT": 8080}))
    script.done()
    assert patch_of(script) == dict(services={API: dict(variables=dict(
        DATABASE_URL=dict(value="${{Postgres.DATABASE_URL}}"), PORT=dict(value="8080")))})
    assert result["added"] == ["DATABASE_URL", "PORT"] and result["variables"] == ["DATABASE_URL", "PORT"]
    done = config(dict(DATABASE_URL=dict(value="${{Postgres.DATABASE_URL}}"), PORT=dict(value="8080")))
    script = railway_script(("environmentState", answer(done)))
    result = run(params(variables={"DATABASE_URL": "${{Postgres.DATABASE_URL}}", "PORT": 8080}))
    script.done()
    assert result["changed"] is False and result["api_requests"] == 1


def test_typo_fails_before_any_write(railway_script):
    script = railway_script(("environmentState", answer(config())))
    result = run(params(variables={"DATABASE_URL": "${{Postgress.DATABASE_URL}}"}))
    script.done()
    assert result["failed"] is True and script.mutations == []
    assert result["msg"].startswith("variables.DATABASE_URL:") and "Postgres" in result["msg"]


def test_generate_makes_a_secret_once_and_keeps_it(railway_script):
    script = railway_script(("environmentState", answer(config())),
                            *committed("p", "e"))
    result = run(params(variables={"APP_KEY": {"generate": {"length": 40, "alphabet": "abcdefghijklmnop"}}}))
    script.done()
    made = patch_of(script)["services"][API]["variables"]["APP_KEY"]["value"]
    assert len(made) == 40 and set(made) <= set("abcdefghijklmnop")
    assert made not in repr(result)
    script = railway_script(("environmentState", answer(config(dict(APP_KEY=dict(value=made))))))
    result = run(params(variables={"APP_KEY": {"generate": {"length": 64}}}))
    script.done()
    assert result["changed"] is False


def rotation_run(railway_script, have, spec):
    """The APP_KEY entry this run writes (None: nothing written), Railway having `have`."""
    script = railway_script(("environmentState", answer(config(dict(APP_KEY=have)))), *committed("p", "e"))
    result = run(params(variables={"APP_KEY": spec}))
    written = [v for dummy, name, v in script.sent if name == "environmentPatchCommit"]
    assert result["changed"] is bool(written)
    return written[0]["patch"]["services"][API]["variables"]["APP_KEY"] if written else None


def test_a_generated_secret_is_rotated_on_purpose_only(railway_script):
    first = rotation_run(railway_script, None, {"generate": {"length": 40, "alphabet": "abcdefghijklmnop"}})
    assert first["description"].startswith("railstack.platform generated (length 40")
    same = {"generate": {"length": 40, "alphabet": "ponmlkjihgfedcba"}}              # the same alphabet, reordered
    assert rotation_run(railway_script, first, same) is None
    longer = rotation_run(railway_script, first, {"generate": {"length": 48, "alphabet": "abcdefghijklmnop"}})
    assert len(longer["value"]) == 48 and longer["value"] != first["value"]
    rotated = rotation_run(railway_script, longer, {"generate": {"length": 48, "alphabet": "abcdefghijklmnop"}, "rotate": "2026-12"})
    assert rotated["value"] != longer["value"] and rotated["description"].endswith("rotation 2026-12)")
    again = {"generate": {"length": 48, "alphabet": "abcdefghijklmnop"}, "rotate": "2026-12"}
    assert rotation_run(railway_script, rotated, again) is None                        # a rerun does not rotate


def test_a_secret_made_without_a_description_is_kept_unless_rotate_is_given(railway_script):
    by_hand = dict(value="base64:made-by-hand-0123456789")
    assert rotation_run(railway_script, by_hand, {"generate": {"length": 64}}) is None
    rotated = rotation_run(railway_script, by_hand, {"generate": {"length": 64}, "rotate": "1"})
    assert len(rotated["value"]) == 64
    sealed = dict(isSealed=True)
    assert rotation_run(railway_script, sealed, {"generate": {"length": 64}, "rotate": "1"}) is None


def test_sealed_is_written_when_missing_then_never_compared(railway_script):
    script = railway_script(("environmentState", answer(config())),
                            *committed("p", "e"))
    run(params(variables={"STRIPE_KEY": {"value": "sk_test_abcdefgh", "sealed": True}}))
    assert patch_of(script)["services"][API]["variables"]["STRIPE_KEY"] == dict(value="sk_test_abcdefgh", isSealed=True)
    sealed = config(dict(STRIPE_KEY=dict(value="*******", isSealed=True)))
    script = railway_script(("environmentState", answer(sealed)))
    assert run(params(variables={"STRIPE_KEY": {"value": "sk_test_other123", "sealed": True}}))["changed"] is False
    script.done()
    script = railway_script(("environmentState", answer(sealed)), *committed("p", "e"))
    result = run(params(variables={"STRIPE_KEY": {"value": "sk_test_other123", "sealed": True}}, update_mode="always"))
    assert result["updated"] == ["STRIPE_KEY"]
    assert patch_of(script)["services"][API]["variables"]["STRIPE_KEY"] == dict(value="sk_test_other123")


def test_an_existing_variable_can_be_sealed_but_not_unsealed(railway_script):
    script = railway_script(("environmentState", answer(config(dict(K=dict(value="v1234"))))),
                            *committed("p", "e"))
    run(params(variables={"K": {"value": "v1234", "sealed": True}}))
    assert patch_of(script)["services"][API]["variables"]["K"] == dict(isSealed=True)
    script = railway_script(("environmentState", answer(config(dict(K=dict(value="*", isSealed=True))))))
    result = run(params(variables={"K": {"value": "v1234", "sealed": False}}))
    assert result["changed"] is False and "cannot unseal" in result["warnings"][0]


def test_on_create_leaves_existing_values(railway_script):
    script = railway_script(("environmentState", answer(config(dict(A=dict(value="old1"))))),
                            *committed("p", "e"))
    result = run(params(variables={"A": "new1", "B": "bee2"}, update_mode="on_create"))
    assert patch_of(script) == dict(services={API: dict(variables=dict(B=dict(value="bee2")))})
    assert result["added"] == ["B"] and result["updated"] == []


def test_exclusive_removes_the_unlisted(railway_script):
    script = railway_script(("environmentState", answer(config(dict(A=dict(value="a"), B=dict(value="b"))))),
                            *committed("p", "e"))
    result = run(params(variables={"A": "a"}, exclusive=True))
    assert patch_of(script) == dict(services={API: dict(variables=dict(B=None))})
    assert result["removed"] == ["B"]


def test_absent_removes_names_and_skip_deploys_stages(railway_script):
    script = railway_script(("environmentState", answer(config(dict(A=dict(value="a"), B=dict(value="b"))))),
                            *staged_commit("s", "e"))
    result = run(params(state="absent", names=["A", "GONE"], skip_deploys=True))
    script.done()
    assert script.sent[2][2]["input"] == dict(services={API: dict(variables=dict(A=None))})
    assert script.sent[3][2]["skipDeploys"] is True and result["staged"] is True and result["removed"] == ["A"]


def test_shared_variables_and_their_references(railway_script):
    script = railway_script(("environmentState", answer(config(shared=dict(SENTRY_DSN=dict(value="https://x"))))),
                            *committed("p", "e"))
    result = run(params(service=None, variables={"DSN_COPY": "${{shared.SENTRY_DSN}}", "DB": "${{Postgres.DATABASE_URL}}"}))
    script.done()
    assert patch_of(script) == dict(sharedVariables=dict(DSN_COPY=dict(value="${{shared.SENTRY_DSN}}"),
                                                         DB=dict(value="${{Postgres.DATABASE_URL}}")))
    assert result["service"] is None


HEADER = "environment production, service api"


def test_diff_masks_secret_values_and_marks_their_changes(railway_script):
    railway_script(("environmentState", answer(config(dict(API_KEY=dict(value="old-value-1"))))),
                   *committed("p", "e"))
    result = run(params(variables={"API_KEY": "new-value-2"}))
    assert result["diff"] == dict(before=dict(API_KEY=dict(value="********")),
                                  after=dict(API_KEY=dict(value="******** (changed)")),
                                  before_header=HEADER, after_header=HEADER)
    assert "old-value-1" not in repr(result) and "new-value-2" not in repr(result)


def test_diff_shows_values_that_are_not_secrets(railway_script):
    railway_script(("environmentState", answer(config(dict(FEATURE_MONITORING=dict(value="false"))))),
                   *committed("p", "e"))
    result = execute(module, TaskContext(params(variables={"FEATURE_MONITORING": True}), diff=True, no_log_values={TOKEN}))
    assert result["diff"] == dict(before=dict(FEATURE_MONITORING=dict(value="false")),
                                  after=dict(FEATURE_MONITORING=dict(value="true")),
                                  before_header=HEADER, after_header=HEADER)


def test_unknown_service_names_candidates(railway_script):
    railway_script(("environmentState", answer(config())))
    result = run(params(service="apii", variables={"A": "b"}))
    assert result["msg"].startswith("service:") and "did you mean api?" in result["msg"]


@pytest.mark.parametrize("overrides, prefix", [
    (dict(variables={"A": {"value": "x", "generate": {}}}), "variables.A:"),
    (dict(variables={"A": {"valu": "x"}}), "variables.A:"),
    (dict(variables={"A": {"value": "x", "sealed": "yes"}}), "variables.A.sealed:"),
    (dict(variables={"A": {"generate": {"alphabet": "ab"}}}), "variables.A.generate.alphabet:"),
    (dict(variables={"A": {"value": "x", "rotate": "1"}}), "variables.A.rotate:"),
    (dict(variables={"A": {"generate": {}, "rotate": True}}), "variables.A.rotate:"),
    (dict(variables={"A": ["x"]}), "variables.A:"),
    (dict(names=["A"]), "names:"),
    (dict(state="absent", exclusive=True), "exclusive:"),
])
def test_bad_input_fails_before_any_request(railway_script, overrides, prefix):
    script = railway_script()
    result = run(params(**overrides))
    assert result["failed"] is True and result["msg"].startswith(prefix), result["msg"]
    assert script.sent == []


def test_check_mode_for_a_service_still_to_be_created(railway_script):
    script = railway_script(("environmentState", answer(config())))
    result = run(params(service="web", variables={"A": "b", "DB": "${{Postgres.DATABASE_URL}}"}), check_mode=True)
    script.done()
    assert result["changed"] is True and result["added"] == ["A", "DB"] and script.mutations == []
    assert any("does not exist yet" in w for w in result["warnings"])


def rolled_back(config_value, status="SUCCESS"):
    state = answer(config_value)
    state["environment"]["serviceInstances"] = dict(edges=[dict(node=dict(serviceId=API, latestDeployment=dict(
        id="d-9", status=status, meta=dict(reason="rollback", rollbackTargetDeploymentId="d-1"))))])
    return state


def test_a_service_left_on_a_rollbacks_variables_is_deployed_again_with_the_config(railway_script):
    done = config(dict(PORT=dict(value="8080")))
    script = railway_script(("environmentState", rolled_back(done)),
                            ("serviceInstanceDeployV2", dict(serviceInstanceDeployV2="d-10")))
    result = run(params(variables={"PORT": 8080}))
    script.done()
    assert script.sent[1][2] == dict(environmentId=EID, serviceId=API)        # the commit it runs, no commitSha
    assert result["changed"] is True and result["redeployed_after_rollback"] == "d-10" and result["updated"] == []
    assert "rollback deployment d-9 with the variables of deployment d-1" in result["warnings"][0]

    script = railway_script(("environmentState", rolled_back(done, status="REMOVED")))     # replaced since: nothing to do
    assert run(params(variables={"PORT": 8080}))["changed"] is False and script.mutations == []


def test_a_variable_change_deploys_a_rolled_back_service_anyway(railway_script):
    script = railway_script(("environmentState", rolled_back(config(dict(PORT=dict(value="8080"))))),
                            *committed("p", "e"))
    result = run(params(variables={"PORT": 9090}))
    script.done()
    assert script.mutations == ["environmentPatchCommit"] and result["redeployed_after_rollback"] is None
    assert "this run's config change deploys it" in result["warnings"][0]


# ---------------------------------------------------------------------------------------- references that changed

def test_stale_references_follow_references_of_references():
    values = dict(api=dict(FLAG="on", URL="https://${{RAILWAY_PUBLIC_DOMAIN}}"),
                  worker=dict(FLAG="${{api.FLAG}}", MODE="${{FLAG}}-x", OTHER="${{api.URL}}"),
                  cron=dict(MODE="${{worker.MODE}}"), web=dict(HOST="${{shared.HOST}}"), idle=dict(A="plain"))
    from ansible_collections.railstack.platform.plugins.module_utils.railway_variable_specs import stale_references
    assert stale_references(values, {("api", "FLAG")}) == dict(worker=["FLAG", "api.FLAG"], cron=["worker.MODE"])
    assert stale_references(values, {("shared", "HOST")}) == dict(web=["shared.HOST"])
    assert stale_references(values, set()) == {}
    assert stale_references(dict(api=dict(FLAG="${{FLAG}}")), {("api", "FLAG")}) == {}       # itself: no news
