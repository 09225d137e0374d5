package jsval

// Internals for the external tests (package jsval_test), which also hand
// what they decode to bridge.ParseCall (bridge imports jsval).
const MaxSnapshotDepth = maxSnapshotDepth
