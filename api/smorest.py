"""Project-wide flask-smorest behaviour: problem-details errors, the input rules every request
passes (strict JSON, bounded integers and query strings, path segments without control
characters) and the base schema."""

from __future__ import annotations

from functools import wraps

import flask_smorest
import marshmallow as ma
from flask import current_app, request
from flask_smorest.spec.plugins import integerconverter2paramschema, unicodeconverter2paramschema
from werkzeug.exceptions import NotFound, RequestURITooLarge
from werkzeug.routing import IntegerConverter, UnicodeConverter, ValidationError

from workflows.errors import FieldError, InvalidInput
from workflows.inputs.text import refused_character

from . import errors
from .fields import INT32, INT32_MAX
from .strict_json import JsonBodyParser, JSONProvider, Request


class DatabaseIdConverter(IntegerConverter):
    """``<int:...>`` path values, documented up to what an INTEGER id holds. The bound is checked
    after routing (``_ids_in_range``): a converter refusing the value would make werkzeug answer
    405 when the same path has a route for another method."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", INT32_MAX)
        super().__init__(map, *args, **kwargs)

    def to_python(self, value: str) -> int:
        return int(value)


def _ids_in_range(endpoint, values) -> None:
    if any(isinstance(value, int) and value > INT32_MAX for value in (values or {}).values()):
        raise NotFound("No such resource: the id is past the range of ids.")


class PathSegmentConverter(UnicodeConverter):
    """``<name>`` path values: one with a control character names nothing (404)."""

    def to_python(self, value: str) -> str:
        if refused_character(value):
            raise ValidationError()
        return value


def _bound_query_string() -> None:
    limit = current_app.config["BPM_MAX_QUERY_STRING_BYTES"]
    if len(request.query_string) > limit:
        raise RequestURITooLarge(f"The query string is longer than {limit} bytes.")
    args = request.args.items(multi=True)
    refused = [
        FieldError(f"/{name}", "contains a NUL character") for name, value in args if "\x00" in name + value
    ]
    if refused:
        raise InvalidInput("The query string holds a NUL character.", errors=refused)


class Api(flask_smorest.Api):
    """flask-smorest's Api whose HTTP errors (schema failures included) are RFC 9457 problems;
    it installs the input rules on the app before any route is registered."""

    def init_app(self, app, *, spec_kwargs=None):
        app.url_map.converters["int"] = DatabaseIdConverter
        app.url_map.converters["default"] = app.url_map.converters["string"] = PathSegmentConverter
        app.json, app.request_class = JSONProvider(app), Request
        app.url_value_preprocessor(_ids_in_range)
        app.before_request(_bound_query_string)
        super().init_app(app, spec_kwargs=spec_kwargs)
        self.register_converter(DatabaseIdConverter, integerconverter2paramschema)
        self.register_converter(PathSegmentConverter, unicodeconverter2paramschema)

    def handle_http_exception(self, error):
        return errors.http_exception_problem(error)

    def _register_responses(self):
        super()._register_responses()
        self.spec.components.schema("Problem", schema=errors.ProblemSchema)


class Blueprint(flask_smorest.Blueprint):
    """Blueprint whose routes read JSON strictly, bound their page numbers, and document the
    problem responses every route can give."""

    ARGUMENTS_PARSER = JsonBodyParser()

    def problems(self, *statuses):
        def decorator(func):
            for status in statuses:
                func = self.alt_response(
                    status, schema=errors.ProblemSchema, description=errors.DESCRIPTIONS[status]
                )(func)
            return func

        return decorator

    def paginate(self, pager=None, **kwargs):
        """flask-smorest's pagination with ``page`` bounded too: its offset must fit a query."""
        paginate = super().paginate(pager, **kwargs)

        def decorator(func):
            paginated = paginate(func)
            parameters = paginated._apidoc["pagination"]["parameters"]
            parameters["schema"] = bounded = _bounded_pages(parameters["schema"])

            @wraps(paginated)
            def wrapper(*args, **kw):
                self.PAGINATION_ARGUMENTS_PARSER.parse(bounded, request, location="query")
                return paginated(*args, **kw)

            return wrapper

        return decorator


def _bounded_pages(schema: type[ma.Schema]) -> type[ma.Schema]:
    page = schema._declared_fields["page"]
    bounded = ma.fields.Integer(
        load_default=page.load_default, validate=ma.validate.Range(min=1, max=INT32_MAX)
    )
    return type(schema.__name__, (schema,), {"page": bounded})


class Schema(ma.Schema):
    """Unknown fields are refused; every integer is bounded to what an INTEGER column holds."""

    class Meta:
        unknown = ma.RAISE

    def on_bind_field(self, field_name: str, field_obj: ma.fields.Field) -> None:
        for field in (field_obj, getattr(field_obj, "inner", None)):
            if isinstance(field, ma.fields.Integer) and not field.dump_only:
                field.validators = [*field.validators, INT32]
