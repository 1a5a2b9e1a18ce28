// Package schema is the OVSDB schema of RFC 7047 §3.2: parsing a database
// schema, the column types with their constraints, and typing notation values
// against them (conversion, canonical order, constraint checks, and the JSON
// form a server sends). It also embeds xvs's own Open_vSwitch schema
// (OpenVSwitch), which follows the names, types, references and root flags
// that ovs-vsctl and other Open vSwitch clients expect.
//
// Typed values are canonical: every column value is a notation.Set (sorted,
// without duplicates) or a notation.Map (sorted by key, keys unique), also
// for scalar columns (a set of exactly one atom).
package schema
