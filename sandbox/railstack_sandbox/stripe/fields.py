"""Field rules several Stripe objects share: metadata, unsetting with "", currencies."""
from .errors import invalid

METADATA_MAX_KEYS = 50
METADATA_KEY_MAX = 40
METADATA_VALUE_MAX = 500

# Presentment currencies Stripe supports for US accounts (a subset is enough for the sandbox).
CURRENCIES = frozenset((
    "usd aed afn all amd ang aoa ars aud awg azn bam bbd bdt bgn bif bmd bnd bob brl bsd bwp byn bzd cad cdf chf clp "
    "cny cop crc cve czk djf dkk dop dzd egp etb eur fjd fkp gbp gel gip gmd gnf gtq gyd hkd hnl htg huf idr ils inr "
    "isk jmd jpy kes kgs khr kmf krw kyd kzt lak lbp lkr lrd lsl mad mdl mga mkd mmk mnt mop mur mvr mwk mxn myr mzn "
    "nad ngn nio nok npr nzd pab pen pgk php pkr pln pyg qar ron rsd rub rwf sar sbd scr sek sgd shp sle sos srd std "
    "szl thb tjs top try ttd twd tzs uah ugx uyu uzs vnd vuv wst xaf xcd xof xpf yer zar zmw").split())


def metadata(current, given, param="metadata"):
    """Stripe's metadata update: "" clears all keys, metadata[k]= removes one key, others are set."""
    result = dict(current or {})
    if given is None:
        return result
    if given == "":
        return {}
    for key, value in given.items():
        if len(key) > METADATA_KEY_MAX:
            raise invalid("Metadata keys can have up to %d characters, but you passed in a key that is %d characters. "
                          "Invalid key: %s" % (METADATA_KEY_MAX, len(key), key), param="%s[%s]" % (param, key))
        if value == "":
            result.pop(key, None)
            continue
        if len(value) > METADATA_VALUE_MAX:
            raise invalid("Metadata values can have up to %d characters, but you passed in a value that is %d "
                          "characters. Invalid value: %s" % (METADATA_VALUE_MAX, len(value), value),
                          param="%s[%s]" % (param, key))
        result[key] = value
    if len(result) > METADATA_MAX_KEYS:
        raise invalid("You can have at most %d metadata keys." % METADATA_MAX_KEYS, param=param)
    return result


def unset(value, empty=None):
    """A field's stored value: "" (Stripe's way to unset) becomes null, or `empty` for lists."""
    return empty if value == "" else value


def assign(obj, params, plain=(), unsettable=()):
    """An update: the `plain` fields as given, the `unsettable` ones with "" meaning null, and the metadata."""
    for field in plain:
        if field in params:
            obj[field] = params[field]
    for field in unsettable:
        if field in params:
            obj[field] = unset(params[field])
    obj["metadata"] = metadata(obj["metadata"], params.get("metadata"))


def currency(value, param="currency"):
    value = value.lower() if isinstance(value, str) else value
    if value not in CURRENCIES:
        raise invalid("Invalid currency: %s. Stripe currently supports these currencies: %s"
                      % (value, ", ".join(sorted(CURRENCIES))), param=param)
    return value


def http_url(value, livemode, param="url"):
    scheme, sep, rest = value.partition("://")
    if not sep or scheme.lower() not in ("http", "https") or not rest.split("/")[0]:
        raise invalid("Invalid URL: %s. URLs must begin with http:// or https://" % value, param=param,
                      code="url_invalid")
    if livemode and scheme.lower() != "https":
        raise invalid("Invalid URL: %s. Webhook endpoints in live mode must use HTTPS." % value, param=param,
                      code="url_invalid")
    return value
