"""Project-wide flask-smorest behaviour: problem-details errors and the base schema."""

from __future__ import annotations

import flask_smorest
import marshmallow as ma

from . import errors


class Api(flask_smorest.Api):
    """flask-smorest's Api whose HTTP errors (schema failures included) are RFC 9457 problems."""

    def handle_http_exception(self, error):
        return errors.http_exception_problem(error)

    def _register_responses(self):
        super()._register_responses()
        self.spec.components.schema("Problem", schema=errors.ProblemSchema)


class Blueprint(flask_smorest.Blueprint):
    """Blueprint whose routes document the problem responses every route can give."""

    def problems(self, *statuses):
        def decorator(func):
            for status in statuses:
                func = self.alt_response(
                    status, schema=errors.ProblemSchema, description=errors.DESCRIPTIONS[status]
                )(func)
            return func

        return decorator


class Schema(ma.Schema):
    class Meta:
        unknown = ma.RAISE
