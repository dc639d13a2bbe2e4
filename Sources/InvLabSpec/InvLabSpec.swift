// InvLabSpec: from a YAML experiment spec to typed configuration, with compiler-style diagnostics.
//
// The pipeline, one file per step:
//
//   file ──YAMLLoader──▶ Node (immutable, every node knows its file:line:column)
//        ──SpecComposer──▶ `inherit:` bases merged under the child spec
//        ──applyOverride──▶ `--set key.path=value` assignments from the command line
//        ──decode(_:from:at:)──▶ SpecConfig structs (every key documented, defaulted, checked)
//
// and back: `emitYAML(_:)` writes a node tree as deterministic YAML, `JSONValue` carries JSON
// Schema fragments generated from the same `SpecField` declarations the decoder uses.
//
// Every problem found in a user's file becomes a `Diagnostic` (never a trap); functions that
// can fail collect every diagnostic they can in one pass and throw them together as a
// `SpecError`, which `DiagnosticRenderer` prints with the offending source line and a caret.
//
// The module depends on libyaml (through `InvLabCYAML`) and Foundation only; it knows nothing
// about tensors or plugins. The Core builds plugin configurations through `PluginNode` and
// `decode(_:from:at:context:)`.
