# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""Cloudflare answers and the runner the dns_record and dns_records tests share."""
from __future__ import annotations

import copy

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.railstack.platform.plugins.module_utils import dns
from ansible_collections.railstack.platform.plugins.module_utils._task import TaskContext, execute


TOKEN = "cf-token-0123456789abcdef"

NC_KEY = "nc-key-0123456789abcdef"

ZID = "023e105f4ecef8ad9ca31a8372d0c353"

RECORDS = "zones/%s/dns_records" % ZID


def run(resource, check_mode=False, **args):
    base = dict(cloudflare_api_token=TOKEN, cloudflare_api_url="http://cf.invalid/client/v4",
                namecheap_api_user="user", namecheap_api_key=NC_KEY, namecheap_client_ip="192.0.2.7",
                namecheap_api_url="http://nc.invalid/xml.response", aws_endpoint_url="http://r53.invalid",
                aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="r53-secret-0123456789")
    base.update(args)
    validated = ArgumentSpecValidator(copy.deepcopy(resource.ARGUMENT_SPEC),
                                      **getattr(resource, "MODULE_KWARGS", {})).validate(base)
    assert not validated.error_messages, validated.error_messages
    ctx = TaskContext(validated.validated_parameters, check_mode=check_mode, diff=True,
                      no_log_values=validated._no_log_values)
    return execute(resource, ctx)


def envelope(result, **info):
    body = dict(success=True, errors=[], messages=[], result=result)
    if isinstance(result, list):
        body["result_info"] = dict(dict(page=1, per_page=100, count=len(result), total_count=len(result),
                                        total_pages=1), **info)
    return body


ZONES = ("GET", "zones", envelope([dict(id=ZID, name="prela.app")]))


def cf_record(content="abc.up.railway.app", rtype="CNAME", name="api.prela.app", rid="rec1", comment=dns.MARKER,
              **extra):
    return dict(dict(id=rid, name=name, type=rtype, content=content, ttl=1, proxied=False, comment=comment,
                     proxiable=True, tags=[], settings={}, meta={}), **extra)


def listing(*records):
    return ("GET", RECORDS, envelope(list(records)))
