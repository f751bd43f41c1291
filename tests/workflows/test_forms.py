"""Form validation, the credit-code format and Camunda's generated forms."""

import pytest

from workflows.engine.forms import camunda_form_schema, is_credit_code, validate_form_data
from workflows.errors import InvalidInput

from ..factories import credit_code


@pytest.mark.parametrize("seed", range(20))
def test_generated_credit_codes_pass_the_check_digit(seed):
    assert is_credit_code(credit_code(seed))


@pytest.mark.parametrize(
    "value", ["91110000600037341X", "9111000060003734", "91110000600037341l", "911100006000373IOL"]
)
def test_wrong_credit_codes_fail(value):
    assert not is_credit_code(value)


def test_errors_point_at_every_invalid_field():
    schema = {
        "type": "object",
        "required": ["a", "b"],
        "properties": {
            "a": {"type": "integer"},
            "nested": {"type": "object", "properties": {"c": {"type": "string"}}},
        },
    }
    with pytest.raises(InvalidInput) as caught:
        validate_form_data(schema, {"a": "x", "nested": {"c": 1}}, "/data")
    assert sorted(e.pointer for e in caught.value.errors) == ["/data/a", "/data/b", "/data/nested/c"]
    missing = next(e for e in caught.value.errors if e.pointer == "/data/b")
    assert "'b'" in missing.message


def test_camunda_form_fields_become_a_json_schema():
    schema = camunda_form_schema(
        [
            {
                "id": "n",
                "label": "数量",
                "type": "long",
                "default": None,
                "values": {},
                "constraints": {"min": "1"},
            },
            {
                "id": "k",
                "label": None,
                "type": "enum",
                "default": "a",
                "values": {"a": "甲"},
                "constraints": {"required": None},
            },
        ]
    )
    assert schema["properties"]["n"] == {"title": "数量", "type": "integer", "minimum": 1}
    assert schema["properties"]["k"]["enum"] == ["a"]
    assert schema["required"] == ["k"]
