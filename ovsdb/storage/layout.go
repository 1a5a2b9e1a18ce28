package storage

// The bbolt layout of an xvs database file:
//
//	meta/                 bucket of metadata values
//	    format            layout version, FormatVersion
//	    (caller keys)     e.g. the engine's "schema" and "txn-id"
//	collections/          bucket holding one nested bucket per collection
//	    <collection>/     e.g. one per OVSDB table
//	        <key> = <value>
//
// A new layout gets a new FormatVersion; Open refuses files of another
// version rather than guess.
var (
	bucketMeta        = []byte("meta")
	bucketCollections = []byte("collections")
	keyFormat         = []byte("format")
)

// FormatVersion is the layout version this package writes and reads.
const FormatVersion = "xvs-ovsdb-1"

// Meta keys the OVSDB engine keeps beside its tables (the engine maps each
// table to a collection named after it, each row to a record keyed by its
// UUID text, valued with its JSON).
const (
	MetaSchema = "schema" // the database schema's JSON text
	MetaTxnID  = "txn-id" // UUID of the last committed transaction
)
