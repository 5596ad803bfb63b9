"""Stripe's error body: {"error": {"type", "code"?, "param"?, "message", "doc_url"?, "request_log_url"?}}."""

INVALID_REQUEST = "invalid_request_error"


class StripeError(Exception):
    """An error answer."""

    def __init__(self, status, message, code=None, param=None, type=INVALID_REQUEST, headers=()):
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code
        self.param = param
        self.type = type
        self.headers = list(headers)

    def body(self, request_id=None):
        error = {"type": self.type}
        if self.code:
            error["code"] = self.code
            error["doc_url"] = "https://stripe.com/docs/error-codes/" + self.code.replace("_", "-")
        error["message"] = self.message
        if self.param:
            error["param"] = self.param
        if request_id:
            error["request_log_url"] = "https://dashboard.stripe.com/test/logs/%s?t=0" % request_id
        return {"error": error}


def invalid(message, param=None, code=None):
    return StripeError(400, message, code=code, param=param)


def no_such(object_name, object_id, param="id"):
    return StripeError(404, "No such %s: '%s'" % (object_name, object_id), code="resource_missing", param=param)


def unrecognized_url(method, path):
    return StripeError(404, "Unrecognized request URL (%s: %s). Please see https://stripe.com/docs or we can help at "
                            "https://support.stripe.com/." % (method, path))
