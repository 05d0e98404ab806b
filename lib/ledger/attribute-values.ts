/**
 * DynamoDB's typed JSON (`{ S: 'x' }`, `{ N: '1' }`, ...) to and from plain values, for the kinds the ledger's items
 * hold: strings, finite numbers, booleans, null, lists and maps. Undefined values are dropped, as the document
 * client's `removeUndefinedValues` did. test/unit/attribute-values.test.ts checks both directions against the AWS
 * SDK's own marshaller (@aws-sdk/util-dynamodb).
 */
export type AttributeValue =
  | { S: string }
  | { N: string }
  | { BOOL: boolean }
  | { NULL: true }
  | { L: AttributeValue[] }
  | { M: Record<string, AttributeValue> }
  | { SS: string[] }
  | { NS: string[] };

/** A value the ledger cannot store (a function, a non-finite number, ...): a programming error, not input. */
function unsupported(what: string): never {
  throw new TypeError(`cannot store ${what} in the ledger`);
}

/** Marshals one value; undefined for `undefined` (dropped by the caller). */
export function toAttribute(value: unknown): AttributeValue | undefined {
  if (value === undefined) return undefined;
  if (value === null) return { NULL: true };
  if (typeof value === 'string') return { S: value };
  if (typeof value === 'number') {
    // Beyond 2^53 a number is not what was meant (the SDK's marshaller refuses it too).
    if (!Number.isFinite(value) || Math.abs(value) > Number.MAX_SAFE_INTEGER) return unsupported(String(value));
    return { N: String(value) };
  }
  if (typeof value === 'boolean') return { BOOL: value };
  if (Array.isArray(value)) {
    return { L: value.map((v) => toAttribute(v) ?? unsupported('undefined inside a list')) };
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return { M: toAttributeMap(value as Record<string, unknown>) };
  }
  return unsupported(typeof value);
}

/** Marshals an item, key or attribute-value map. */
export function toAttributeMap(values: Readonly<Record<string, unknown>>): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const [name, value] of Object.entries(values)) {
    const attribute = toAttribute(value);
    if (attribute !== undefined) out[name] = attribute;
  }
  return out;
}

/** Unmarshals one value. Numbers become JS numbers; string and number sets (written by hand) become arrays. */
export function fromAttribute(attribute: AttributeValue): unknown {
  if ('S' in attribute) return attribute.S;
  if ('N' in attribute) return Number(attribute.N);
  if ('BOOL' in attribute) return attribute.BOOL;
  if ('NULL' in attribute) return null;
  if ('L' in attribute) return attribute.L.map(fromAttribute);
  if ('M' in attribute) return fromAttributeMap(attribute.M);
  if ('SS' in attribute) return [...attribute.SS];
  if ('NS' in attribute) return attribute.NS.map(Number);
  throw new TypeError(`cannot read an attribute of type ${Object.keys(attribute).join(', ')} from the ledger`);
}

/** Unmarshals an item or key. */
export function fromAttributeMap(attributes: Readonly<Record<string, AttributeValue>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, attribute] of Object.entries(attributes)) out[name] = fromAttribute(attribute);
  return out;
}
