"""The API's description of each mutation's arguments, from the mutators' own schemas."""

from __future__ import annotations

from typing import Any

from server.sync.registry import MUTATORS


def describe_mutations(api: Any) -> None:
    """Describe a push's mutations as one shape per name, so generated clients can push."""
    converter = api.ma_plugin.converter
    mutation = api.spec.components.schemas["Mutation"]
    properties = mutation["properties"]
    variants = []
    for name, spec in sorted(MUTATORS.items()):
        variants.append(
            {
                "type": "object",
                "required": ["id", "name", "args"],
                "properties": {
                    "id": properties["id"],
                    "name": {"type": "string", "enum": [name]},
                    "args": converter.schema2jsonschema(spec.schema),
                },
                "additionalProperties": False,
            }
        )
    mutation.clear()
    mutation.update(
        {
            "description": "One change. A change the server cannot apply (not allowed, not"
            " valid, unknown) is rejected on its own with a reason, in a 200: the changes"
            " after it still apply.",
            "oneOf": variants,
        }
    )
