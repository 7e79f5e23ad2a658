// Checks a response against a schema of Kratos's OpenAPI document: required properties, JSON types
// and enums, recursively, as far as the schemas state them (the approach of flows.mjs).
export function openApiChecker(api) {
  let count = 0;

  function resolve(schema) {
    while (schema && schema.$ref) schema = api.components.schemas[schema.$ref.split("/").pop()];
    return schema;
  }

  function check(value, schema, path) {
    schema = resolve(schema);
    if (!schema) return;
    count++;
    if (value === null || value === undefined) {
      if (schema.nullable) return;
      throw new Error(`${path}: missing or null`);
    }
    if (schema.oneOf || schema.anyOf) {
      const errors = [];
      for (const option of schema.oneOf || schema.anyOf) {
        try { check(value, option, path); return; } catch (e) { errors.push(e.message); }
      }
      throw new Error(`${path}: matches none of the allowed shapes: ${errors.join(" | ")}`);
    }
    if (schema.allOf) { for (const part of schema.allOf) check(value, part, path); }
    const type = schema.type;
    const actual = Array.isArray(value) ? "array" : typeof value;
    if (type === "object" && actual !== "object") throw new Error(`${path}: expected an object, got ${actual}`);
    if (type === "array" && actual !== "array") throw new Error(`${path}: expected an array, got ${actual}`);
    if (type === "string" && actual !== "string") throw new Error(`${path}: expected a string, got ${actual}`);
    if (type === "boolean" && actual !== "boolean") throw new Error(`${path}: expected a boolean, got ${actual}`);
    if ((type === "integer" || type === "number") && actual !== "number") throw new Error(`${path}: expected a number, got ${actual}`);
    if (schema.enum && !schema.enum.includes(value)) throw new Error(`${path}: ${JSON.stringify(value)} is not one of ${schema.enum.join(", ")}`);
    if (actual === "object") {
      for (const key of schema.required || []) {
        if (!(key in value)) throw new Error(`${path}: required property ${key} is missing`);
      }
      for (const [key, sub] of Object.entries(schema.properties || {})) {
        if (key in value && value[key] !== null) check(value[key], sub, `${path}.${key}`);
      }
    }
    if (actual === "array" && schema.items) value.forEach((item, i) => check(item, schema.items, `${path}[${i}]`));
  }

  return {
    check: (value, name, path = name) => check(value, { $ref: `#/components/schemas/${name}` }, path),
    get count() { return count; },
  };
}
