"""Railway: service domains and custom domains, verified through the sandbox's Cloudflare zones."""
import re

from conftest import create_project

SERVICE_CREATE = "mutation($i: ServiceCreateInput!) { serviceCreate(input: $i) { id name } }"
SD_CREATE = ("mutation($i: ServiceDomainCreateInput!) { serviceDomainCreate(input: $i) {"
             " id domain suffix targetPort serviceId environmentId projectId syncStatus } }")
SD_UPDATE = "mutation($i: ServiceDomainUpdateInput!) { serviceDomainUpdate(input: $i) }"
SD_AVAILABLE = "query($d: String!) { serviceDomainAvailable(domain: $d) { available message } }"
CD_FIELDS = ("id domain targetPort serviceId environmentId syncStatus status { dnsRecords { hostlabel fqdn zone"
             " recordType requiredValue currentValue status purpose } verificationDnsHost verificationToken verified"
             " certificateStatus certificateRetryable certificateErrorType certificateErrorMessage }")
CD_CREATE = "mutation($i: CustomDomainCreateInput!) { customDomainCreate(input: $i) { %s } }" % CD_FIELDS
DOMAINS = ("query($p: String!, $e: String!, $s: String!) { domains(projectId: $p, environmentId: $e, serviceId: $s) {"
           " serviceDomains { id domain targetPort } customDomains { %s } } }" % CD_FIELDS)
CONFIG = "query($id: String!) { environment(id: $id) { config configEtag } }"


def setup_service(sandbox, name="api", project_name="shop"):
    project = create_project(sandbox, project_name)
    service = sandbox.gql(SERVICE_CREATE, {"i": {"projectId": project["id"], "name": name,
                                                 "source": {"image": "nginx:1"}}})["serviceCreate"]
    return project, service


def domains(sandbox, project, service):
    return sandbox.gql(DOMAINS, {"p": project["id"], "e": project["environment_id"], "s": service["id"]})["domains"]


def cloudflare(sandbox, method, path, body=None):
    response = sandbox.session.request(method, f"{sandbox.url}/client/v4{path}", json=body, timeout=10,
                                       headers={"Authorization": f"Bearer {sandbox.env['CLOUDFLARE_API_TOKEN']}"})
    assert response.status_code in (200, 201), response.text
    return response.json()["result"]


def add_record(sandbox, zone_name, name, rtype, content, proxied=False):
    zone = cloudflare(sandbox, "GET", f"/zones?name={zone_name}")[0]
    return cloudflare(sandbox, "POST", f"/zones/{zone['id']}/dns_records",
                      {"name": name, "type": rtype, "content": content, "ttl": 1, "proxied": proxied})


def test_service_domain_generated_renamed_and_mirrored_in_config(sandbox):
    project, service = setup_service(sandbox)
    etag = sandbox.gql(CONFIG, {"id": project["environment_id"]})["environment"]["configEtag"]
    created = sandbox.gql(SD_CREATE, {"i": {"serviceId": service["id"], "environmentId": project["environment_id"],
                                            "targetPort": 8080}})["serviceDomainCreate"]
    assert created["domain"] == "api-production.up.railway.app" and created["suffix"] == "up.railway.app"
    assert created["targetPort"] == 8080 and created["syncStatus"] == "ACTIVE"
    environment = sandbox.gql(CONFIG, {"id": project["environment_id"]})["environment"]
    assert environment["configEtag"] != etag
    networking = environment["config"]["services"][service["id"]]["networking"]
    assert networking["serviceDomains"] == {"api-production.up.railway.app": {"port": 8080}}

    assert sandbox.gql(SD_AVAILABLE, {"d": "api-production.up.railway.app"})["serviceDomainAvailable"]["available"] is False
    assert sandbox.gql(SD_AVAILABLE, {"d": "shop-api"})["serviceDomainAvailable"] == \
        {"available": True, "message": "Domain is available"}
    assert sandbox.gql(SD_AVAILABLE, {"d": "Bad_Name"})["serviceDomainAvailable"]["available"] is False

    assert sandbox.gql(SD_UPDATE, {"i": {"serviceDomainId": created["id"], "serviceId": service["id"],
                                         "environmentId": project["environment_id"],
                                         "domain": "shop-api.up.railway.app"}}) == {"serviceDomainUpdate": True}
    found = domains(sandbox, project, service)["serviceDomains"]
    assert [(d["domain"], d["targetPort"]) for d in found] == [("shop-api.up.railway.app", 8080)]
    config = sandbox.gql(CONFIG, {"id": project["environment_id"]})["environment"]["config"]
    assert config["services"][service["id"]]["networking"]["serviceDomains"] == {"shop-api.up.railway.app": {"port": 8080}}


def test_second_generated_name_gets_a_suffix_and_taken_names_are_refused(sandbox):
    project, service = setup_service(sandbox)
    first = sandbox.gql(SD_CREATE, {"i": {"serviceId": service["id"], "environmentId": project["environment_id"]}})
    second = sandbox.gql(SD_CREATE, {"i": {"serviceId": service["id"], "environmentId": project["environment_id"]}})
    assert second["serviceDomainCreate"]["domain"] != first["serviceDomainCreate"]["domain"]
    assert second["serviceDomainCreate"]["domain"].startswith("api-production-")
    message = sandbox.gql_error(SD_UPDATE, {"i": {"serviceDomainId": second["serviceDomainCreate"]["id"],
                                                  "serviceId": service["id"], "environmentId": project["environment_id"],
                                                  "domain": first["serviceDomainCreate"]["domain"]}})
    assert "not available" in message


def test_domains_need_a_service_instance_and_a_valid_port(sandbox):
    project, service = setup_service(sandbox)
    other = create_project(sandbox, "other")
    assert "Environment not found" in sandbox.gql_error(SD_CREATE, {"i": {"serviceId": service["id"],
                                                                          "environmentId": other["environment_id"]}})
    assert "port" in sandbox.gql_error(SD_CREATE, {"i": {"serviceId": service["id"],
                                                         "environmentId": project["environment_id"], "targetPort": 0}})


def test_custom_domain_turns_verified_once_the_zone_holds_its_records(sandbox):
    project, service = setup_service(sandbox)
    created = sandbox.gql(CD_CREATE, {"i": {"projectId": project["id"], "environmentId": project["environment_id"],
                                            "serviceId": service["id"], "domain": "API.prela.app",
                                            "targetPort": 8080}})["customDomainCreate"]
    status = created["status"]
    assert created["domain"] == "api.prela.app"
    [record] = status["dnsRecords"]
    assert record["recordType"] == "DNS_RECORD_TYPE_CNAME" and record["requiredValue"].endswith(".up.railway.app")
    assert (record["hostlabel"], record["fqdn"], record["zone"]) == ("api", "api.prela.app", "prela.app")
    assert record["status"] == "DNS_RECORD_STATUS_REQUIRES_UPDATE" and record["currentValue"] == ""
    assert record["purpose"] == "DNS_RECORD_PURPOSE_TRAFFIC_ROUTE"
    assert status["verificationDnsHost"] == "_railway-verify.api.prela.app"
    assert re.fullmatch(r"railway-verify=[0-9a-f]{64}", status["verificationToken"])
    assert status["verified"] is False
    assert status["certificateStatus"] == "CERTIFICATE_STATUS_TYPE_VALIDATING_OWNERSHIP"
    assert status["certificateRetryable"] is None and status["certificateErrorType"] is None

    add_record(sandbox, "prela.app", status["verificationDnsHost"], "TXT", f'"{status["verificationToken"]}"')
    status = domains(sandbox, project, service)["customDomains"][0]["status"]
    assert status["verified"] is True and status["certificateStatus"] == "CERTIFICATE_STATUS_TYPE_ISSUING"

    add_record(sandbox, "prela.app", "api", "CNAME", record["requiredValue"] + ".")
    status = domains(sandbox, project, service)["customDomains"][0]["status"]
    assert status["certificateStatus"] == "CERTIFICATE_STATUS_TYPE_VALID"
    assert status["dnsRecords"][0]["status"] == "DNS_RECORD_STATUS_PROPAGATED"
    assert status["dnsRecords"][0]["currentValue"] == record["requiredValue"]


def test_wrong_records_do_not_verify(sandbox):
    project, service = setup_service(sandbox)
    created = sandbox.gql(CD_CREATE, {"i": {"projectId": project["id"], "environmentId": project["environment_id"],
                                            "serviceId": service["id"], "domain": "www.example.com"}})["customDomainCreate"]
    add_record(sandbox, "example.com", "_railway-verify.www", "TXT", "railway-verify=wrong")
    add_record(sandbox, "example.com", "www", "CNAME", "elsewhere.example.net")
    status = domains(sandbox, project, service)["customDomains"][0]["status"]
    assert status["verified"] is False and status["dnsRecords"][0]["currentValue"] == "elsewhere.example.net"
    assert created["status"]["dnsRecords"][0]["zone"] == "example.com"


def test_custom_domain_rules(sandbox):
    project, service = setup_service(sandbox)
    base = {"projectId": project["id"], "environmentId": project["environment_id"], "serviceId": service["id"]}
    sandbox.gql(CD_CREATE, {"i": dict(base, domain="api.prela.app")})
    assert "already in use" in sandbox.gql_error(CD_CREATE, {"i": dict(base, domain="api.prela.app")})
    assert "Railway domains" in sandbox.gql_error(CD_CREATE, {"i": dict(base, domain="x.up.railway.app")})
    assert "Invalid domain" in sandbox.gql_error(CD_CREATE, {"i": dict(base, domain="not a domain")})
    other = create_project(sandbox, "other")
    assert "Project not found" in sandbox.gql_error(CD_CREATE, {"i": dict(base, projectId=other["id"], domain="b.prela.app")})


def test_custom_domain_update_delete_and_config(sandbox):
    project, service = setup_service(sandbox)
    created = sandbox.gql(CD_CREATE, {"i": {"projectId": project["id"], "environmentId": project["environment_id"],
                                            "serviceId": service["id"], "domain": "api.prela.app"}})["customDomainCreate"]
    update = ("mutation($e: String!, $id: String!, $p: Int) { customDomainUpdate(environmentId: $e, id: $id,"
              " targetPort: $p) }")
    assert sandbox.gql(update, {"e": project["environment_id"], "id": created["id"], "p": 3000}) == {"customDomainUpdate": True}
    assert domains(sandbox, project, service)["customDomains"][0]["targetPort"] == 3000
    config = sandbox.gql(CONFIG, {"id": project["environment_id"]})["environment"]["config"]
    assert config["services"][service["id"]]["networking"]["customDomains"] == {"api.prela.app": {"port": 3000}}
    read = sandbox.gql("query($id: String!, $p: String!) { customDomain(id: $id, projectId: $p) { domain } }",
                       {"id": created["id"], "p": project["id"]})
    assert read == {"customDomain": {"domain": "api.prela.app"}}
    assert sandbox.gql("mutation($id: String!) { customDomainDelete(id: $id) }", {"id": created["id"]}) == \
        {"customDomainDelete": True}
    assert domains(sandbox, project, service)["customDomains"] == []
    assert "not found" in sandbox.gql_error("mutation($id: String!) { customDomainDelete(id: $id) }", {"id": created["id"]})
    config = sandbox.gql(CONFIG, {"id": project["environment_id"]})["environment"]["config"]
    assert config["services"][service["id"]]["networking"]["customDomains"] == {}


def test_deleting_the_service_frees_its_domains(sandbox):
    project, service = setup_service(sandbox)
    base = {"projectId": project["id"], "environmentId": project["environment_id"], "serviceId": service["id"]}
    sandbox.gql(CD_CREATE, {"i": dict(base, domain="api.prela.app")})
    sandbox.gql("mutation($id: String!) { serviceDelete(id: $id) }", {"id": service["id"]})
    again = sandbox.gql(SERVICE_CREATE, {"i": {"projectId": project["id"], "name": "api2"}})["serviceCreate"]
    created = sandbox.gql(CD_CREATE, {"i": dict(base, serviceId=again["id"], domain="api.prela.app")})
    assert created["customDomainCreate"]["domain"] == "api.prela.app"


def test_project_token_reaches_only_its_environment(sandbox):
    project, service = setup_service(sandbox)
    token = sandbox.gql("mutation($i: ProjectTokenCreateInput!) { projectTokenCreate(input: $i) }",
                        {"i": {"projectId": project["id"], "environmentId": project["environment_id"], "name": "t"}})
    token = token["projectTokenCreate"]
    created = sandbox.gql(SD_CREATE, {"i": {"serviceId": service["id"], "environmentId": project["environment_id"]}},
                          project_token=token)
    assert created["serviceDomainCreate"]["domain"].endswith(".up.railway.app")
    staging = sandbox.gql("mutation($i: EnvironmentCreateInput!) { environmentCreate(input: $i) { id } }",
                          {"i": {"projectId": project["id"], "name": "staging"}})["environmentCreate"]
    assert sandbox.gql_error(DOMAINS, {"p": project["id"], "e": staging["id"], "s": service["id"]},
                             project_token=token) == "Not Authorized"


def create_custom(sandbox, domain="api.prela.app"):
    project, service = setup_service(sandbox)
    created = sandbox.gql(CD_CREATE, {"i": {"projectId": project["id"], "environmentId": project["environment_id"],
                                            "serviceId": service["id"], "domain": domain}})["customDomainCreate"]
    return project, service, created


def verify(sandbox, created, zone="prela.app", proxied=False):
    status = created["status"]
    add_record(sandbox, zone, status["verificationDnsHost"], "TXT", status["verificationToken"])
    add_record(sandbox, zone, created["domain"], "CNAME", status["dnsRecords"][0]["requiredValue"], proxied=proxied)


def health(sandbox, host):
    return sandbox.control("GET", f"railway/health/{host}")


def test_unverified_custom_domain_answers_404_until_its_txt_record_exists(sandbox):
    project, service, created = create_custom(sandbox)
    add_record(sandbox, "prela.app", "api", "CNAME", created["status"]["dnsRecords"][0]["requiredValue"])
    assert domains(sandbox, project, service)["customDomains"][0]["status"]["verified"] is False
    assert health(sandbox, "api.prela.app").status_code == 404
    add_record(sandbox, "prela.app", "_railway-verify.api", "TXT", created["status"]["verificationToken"])
    assert domains(sandbox, project, service)["customDomains"][0]["status"]["verified"] is True
    assert health(sandbox, "api.prela.app").status_code != 404


def test_txt_at_the_zone_relative_host_does_not_verify(sandbox):
    """The TXT record must be at _railway-verify.<domain>: a record named after the label only, inside the zone's
    apex (_railway-verify.prela.app), is not it."""
    project, service, created = create_custom(sandbox)
    add_record(sandbox, "prela.app", "_railway-verify", "TXT", created["status"]["verificationToken"])
    assert domains(sandbox, project, service)["customDomains"][0]["status"]["verified"] is False


def test_certificate_outcome_setting_fails_issuance_and_a_retry_issues_again(sandbox):
    sandbox.control("POST", "railway/realism", {"certificate_outcome": "ISSUE_FAILED"})
    project, service, created = create_custom(sandbox)
    verify(sandbox, created)
    status = domains(sandbox, project, service)["customDomains"][0]["status"]
    assert status["verified"] is True and status["certificateStatus"] == "CERTIFICATE_STATUS_TYPE_ISSUE_FAILED"
    assert status["certificateRetryable"] is True and status["certificateErrorType"].startswith("CERTIFICATE_ERROR_TYPE_")
    assert status["certificateErrorMessage"]
    retry = "mutation($id: String!) { customDomainIssueCertificate(id: $id) }"
    sandbox.control("POST", "railway/realism", {"certificate_outcome": "VALID"})
    assert sandbox.gql(retry, {"id": created["id"]}) == {"customDomainIssueCertificate": True}
    status = domains(sandbox, project, service)["customDomains"][0]["status"]
    assert status["certificateStatus"] == "CERTIFICATE_STATUS_TYPE_VALID" and status["certificateRetryable"] is None
    assert "has not failed" in sandbox.gql_error(retry, {"id": created["id"]})


def test_one_domain_can_be_told_to_fail_once_not_retryable(sandbox):
    answer = sandbox.control("POST", "railway/domains/certificate",
                             {"domain": "API.prela.app", "outcome": "ISSUE_FAILED", "retryable": False})
    assert answer.status_code == 200, answer.text
    project, service, created = create_custom(sandbox)
    verify(sandbox, created)
    status = domains(sandbox, project, service)["customDomains"][0]["status"]
    assert status["certificateStatus"] == "CERTIFICATE_STATUS_TYPE_ISSUE_FAILED"
    assert status["certificateRetryable"] is False
    message = sandbox.gql_error("mutation($id: String!) { customDomainIssueCertificate(id: $id) }", {"id": created["id"]})
    assert "cannot be retried" in message
    assert sandbox.control("POST", "railway/domains/certificate", {"domain": "x.prela.app", "outcome": "MAYBE"}) \
        .status_code == 400


def test_proxied_cname_verifies_and_works_while_the_record_requires_update(sandbox):
    project, service, created = create_custom(sandbox)
    verify(sandbox, created, proxied=True)
    status = domains(sandbox, project, service)["customDomains"][0]["status"]
    assert status["verified"] is True and status["certificateStatus"] == "CERTIFICATE_STATUS_TYPE_VALID"
    [record] = status["dnsRecords"]
    assert record["status"] == "DNS_RECORD_STATUS_REQUIRES_UPDATE"
    assert record["currentValue"] != record["requiredValue"] and record["currentValue"].startswith(("104.", "172."))
    assert health(sandbox, "api.prela.app").status_code != 404


def test_proxied_cname_to_somewhere_else_gets_no_certificate(sandbox):
    project, service, created = create_custom(sandbox)
    add_record(sandbox, "prela.app", "_railway-verify.api", "TXT", created["status"]["verificationToken"])
    add_record(sandbox, "prela.app", "api", "CNAME", "elsewhere.example.net", proxied=True)
    status = domains(sandbox, project, service)["customDomains"][0]["status"]
    assert status["verified"] is True and status["certificateStatus"] == "CERTIFICATE_STATUS_TYPE_ISSUING"


ENVIRONMENT_DOMAINS = ("query($id: String!, $first: Int, $after: String) { environment(id: $id) {"
                       " serviceInstances(first: $first, after: $after) { edges { node { serviceId"
                       " domains { serviceDomains { id domain targetPort serviceId } customDomains { %s } } } }"
                       " pageInfo { hasNextPage endCursor } } } }" % CD_FIELDS)


def test_environment_service_instances_give_every_services_domains_in_one_query(sandbox):
    """railway_domains reads all the domains of an environment at once: each service instance's `domains` is what
    the per-service `domains` query answers, and the instances come in pages."""
    project, api = setup_service(sandbox)
    web = sandbox.gql(SERVICE_CREATE, {"i": {"projectId": project["id"], "name": "web",
                                             "source": {"image": "nginx:1"}}})["serviceCreate"]
    sandbox.gql(SD_CREATE, {"i": {"serviceId": api["id"], "environmentId": project["environment_id"]}})
    sandbox.gql(CD_CREATE, {"i": {"projectId": project["id"], "environmentId": project["environment_id"],
                                  "serviceId": web["id"], "domain": "www.example.com", "targetPort": 3000}})
    page = sandbox.gql(ENVIRONMENT_DOMAINS, {"id": project["environment_id"], "first": 100})["environment"]
    by_service = {n["node"]["serviceId"]: n["node"]["domains"] for n in page["serviceInstances"]["edges"]}
    assert set(by_service) == {api["id"], web["id"]} and page["serviceInstances"]["pageInfo"]["hasNextPage"] is False
    assert [d["domain"] for d in by_service[api["id"]]["serviceDomains"]] == ["api-production.up.railway.app"]
    assert by_service[api["id"]]["customDomains"] == []
    assert by_service[web["id"]]["customDomains"] == domains(sandbox, project, web)["customDomains"]
    assert by_service[web["id"]]["customDomains"][0]["status"]["dnsRecords"][0]["recordType"] == "DNS_RECORD_TYPE_CNAME"

    first = sandbox.gql(ENVIRONMENT_DOMAINS, {"id": project["environment_id"], "first": 1})["environment"]
    assert first["serviceInstances"]["pageInfo"]["hasNextPage"] is True
    rest = sandbox.gql(ENVIRONMENT_DOMAINS, {"id": project["environment_id"], "first": 1,
                                             "after": first["serviceInstances"]["pageInfo"]["endCursor"]})
    seen = [e["node"]["serviceId"] for e in first["serviceInstances"]["edges"] + rest["environment"]["serviceInstances"]["edges"]]
    assert sorted(seen) == sorted([api["id"], web["id"]])
