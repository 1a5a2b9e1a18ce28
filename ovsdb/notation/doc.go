// Package notation is the RFC 7047 §5.1 data notation of OVSDB: atoms
// (integer, real, boolean, string, uuid, named-uuid), sets, maps, rows, the
// JSON forms of each, and the wire shapes shared by servers and clients:
// operations (§5.2), conditions, mutations and error objects (§3.1, §4.1.3).
//
// Values carry no schema: a decoded value is an Atom, a Set or a Map exactly
// as the JSON said. Package schema gives them a column type (conversion,
// constraints, canonical order). Numbers keep their lexical kind: a JSON
// number written without fraction or exponent decodes to int64, any other to
// float64, as OVSDB distinguishes integer from real on the wire.
//
// Go representation of an Atom: int64, float64, bool, string, UUID or
// NamedUUID. A Value is an Atom, a Set or a Map.
package notation
