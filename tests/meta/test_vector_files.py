"""Every vector file validates against the JSON Schema, its flags are defined, its ids are
1…n, every array's data matches its shape, and it equals a fresh build (``refimpl vectors --check``).

The schema is checked with a small validator for the keyword subset the schema uses (type,
required, properties, additionalProperties, items, minItems, enum, pattern, minimum, minLength,
$ref), so the test suite needs no extra package; when ``jsonschema`` happens to be installed the
same files are also checked with it.
"""

import json
import math
import re

import numpy as np
import pytest

from refimpl import vectors as V

ROOT = V.vectors_dir()
SCHEMA = json.loads((ROOT / "schema" / "vectors.v1.schema.json").read_text())
FILES = sorted(ROOT.glob("*.json"))

_TYPES = {"object": dict, "array": list, "string": str, "boolean": bool}


def _is_type(x, t):
    if t == "integer":
        return isinstance(x, int) and not isinstance(x, bool)
    if t == "number":
        return isinstance(x, (int, float)) and not isinstance(x, bool)
    return isinstance(x, _TYPES[t])


def validate(x, schema, root=SCHEMA, path="$"):
    """Raise AssertionError at the first violation."""
    if "$ref" in schema:
        name = schema["$ref"].split("/")[-1]
        return validate(x, root["$defs"][name], root, path)
    t = schema.get("type")
    if t is not None:
        types = t if isinstance(t, list) else [t]
        assert any(_is_type(x, tt) for tt in types), f"{path}: {x!r:.60} is not {t}"
    if "enum" in schema:
        assert x in schema["enum"], f"{path}: {x!r} not in {schema['enum']}"
    if "pattern" in schema and isinstance(x, str):
        assert re.search(schema["pattern"], x), f"{path}: {x!r:.60} does not match {schema['pattern']}"
    if "minLength" in schema and isinstance(x, str):
        assert len(x) >= schema["minLength"], f"{path}: too short"
    if "minimum" in schema and _is_type(x, "number"):
        assert x >= schema["minimum"], f"{path}: {x} < {schema['minimum']}"
    if isinstance(x, dict):
        for k in schema.get("required", []):
            assert k in x, f"{path}: missing {k!r}"
        props = schema.get("properties", {})
        extra = schema.get("additionalProperties", True)
        for k, v in x.items():
            if k in props:
                validate(v, props[k], root, f"{path}.{k}")
            elif extra is False:
                raise AssertionError(f"{path}: unexpected key {k!r}")
            elif isinstance(extra, dict):
                validate(v, extra, root, f"{path}.{k}")
    if isinstance(x, list):
        assert len(x) >= schema.get("minItems", 0), f"{path}: fewer than {schema['minItems']} items"
        if "items" in schema:
            for i, v in enumerate(x):
                validate(v, schema["items"], root, f"{path}[{i}]")


def _typed_values(x, path="$"):
    """Yield (path, value) for every encoded array / bytes / bigint inside a case."""
    if isinstance(x, dict):
        if set(x) == {"dtype", "shape", "data"}:
            yield path, "array", x
        elif set(x) == {"hex"}:
            yield path, "bytes", x
        elif set(x) == {"int"}:
            yield path, "bigint", x
        else:
            for k, v in x.items():
                yield from _typed_values(v, f"{path}.{k}")
    elif isinstance(x, list):
        for i, v in enumerate(x):
            yield from _typed_values(v, f"{path}[{i}]")


def test_there_are_vector_files():
    assert FILES, "no vector files under specs/vectors"


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_file_is_valid(path):
    doc = json.loads(path.read_text())
    validate(doc, SCHEMA)
    assert path.name == f"{doc['topic']}.v{doc['version']}.json"
    ids = [c["id"] for g in doc["groups"] for c in g["cases"]]
    assert ids == list(range(1, len(ids) + 1)) and doc["numberOfCases"] == len(ids)
    for g in doc["groups"]:
        for c in g["cases"]:
            assert set(c["flags"]) <= set(doc["notes"]), f"undefined flag in case {c['id']}"
            for where, kind, v in _typed_values({"input": c["input"], "expected": c["expected"], "params": g["params"]}):
                validate(v, SCHEMA["$defs"][kind], SCHEMA, where)
                if kind == "array":
                    assert len(v["data"]) == math.prod(v["shape"]), f"case {c['id']} {where}: data/shape mismatch"
    try:
        import jsonschema
    except ImportError:
        return
    jsonschema.validate(doc, SCHEMA)


def test_the_validator_rejects():
    with pytest.raises(AssertionError):
        validate({"topic": "x"}, SCHEMA)
    good = json.loads(FILES[0].read_text())
    bad = json.loads(json.dumps(good))
    bad["groups"][0]["cases"][0]["result"] = "maybe"
    with pytest.raises(AssertionError, match="maybe"):
        validate(bad, SCHEMA)
    bad = json.loads(json.dumps(good))
    bad["groups"][0]["tolerance"] = {"mode": "exact", "ulps": 2}
    with pytest.raises(AssertionError, match="ulps"):
        validate(bad, SCHEMA)


def test_encoding_round_trip():
    vals = {"a": np.array([[1.5, np.nan], [np.inf, -np.inf]]), "b": np.array([2**63 + 5], dtype=np.uint64),
            "c": b"\x00\xff", "d": 2**70, "e": -3, "f": "pfr", "g": [1.0, float("nan")]}
    back = V.decode_value(json.loads(V.dumps(V.encode_value(vals))))
    np.testing.assert_array_equal(back["a"], vals["a"])
    assert back["b"].dtype == np.uint64 and int(back["b"][0]) == 2**63 + 5
    assert back["c"] == vals["c"] and back["d"] == 2**70 and back["e"] == -3 and back["f"] == "pfr"
    assert back["g"][0] == 1.0 and math.isnan(back["g"][1])


def test_files_equal_a_fresh_build():
    assert V.write_all(ROOT, check=True) == []
