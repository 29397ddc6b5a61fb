/* ydoc: YAML documents as trees of nodes that remember file:line:col.
 * Everything a parse returns (nodes, strings, positions) is allocated from
 * the arena the caller passes and lives until that arena is released.
 * Later loader stages (interp, merge, schema, model) read and rewrite these
 * trees; nothing after the model sees them. */
#ifndef WCOMPOSE_COMPOSE_YDOC_H
#define WCOMPOSE_COMPOSE_YDOC_H

#include <stddef.h>

#include "util/arena.h"
#include "util/err.h"

enum ynode_kind {
  YNODE_NULL,   /* `~`, `null`, `Null`, `NULL`, or nothing (plain only) */
  YNODE_SCALAR, /* any other scalar; str/len hold its text */
  YNODE_SEQ,    /* items[0..n) */
  YNODE_MAP     /* keys[i] (always scalars) map to items[i], in file order */
};

enum ynode_flags {
  YNODE_QUOTED = 1 << 0,   /* quoted, block or interpolated: a string (a
                              field with another type may cast its text) */
  YNODE_RESET = 1 << 1,    /* tagged !reset: remove/empty in merges */
  YNODE_OVERRIDE = 1 << 2, /* tagged !override: replace instead of merge */
  YNODE_NOINTERP = 1 << 3, /* produced by the loader; never interpolated */
  YNODE_BUSY = 1 << 4      /* a service whose extends the loader resolves */
};

/* The type a plain scalar has under the YAML 1.2 core schema (what
 * compose's YAML reader gives a value whose field does not type it): null,
 * booleans (true/false in three cases), integers (decimal with leading
 * zeros still decimal, 0o octal, 0x hex), floats, else string. Quoted,
 * block and interpolated scalars are strings. */
enum yscalar_type {
  YSCALAR_NULL,
  YSCALAR_BOOL,
  YSCALAR_INT,
  YSCALAR_FLOAT,
  YSCALAR_STRING
};

struct ynode {
  enum ynode_kind kind;
  unsigned flags;       /* enum ynode_flags */
  struct err_pos pos;   /* where the node starts (1-based line and col) */
  const char *tag;      /* explicit tag other than !reset/!override */
  const char *str;      /* SCALAR: text, NUL-terminated (NULL nodes from
                           the parser keep what was written: "", "~") */
  size_t len;           /* SCALAR: length of str */
  size_t n;             /* SEQ/MAP: number of items */
  struct ynode **items; /* SEQ/MAP: values */
  struct ynode **keys;  /* MAP: keys (scalars), NULL for SEQ */
  struct yindex *index; /* MAP: key table of a large map (private to ydoc:
                           kept by the builders below, rebuilt by a lookup
                           after the arrays were edited by hand) */
};
/* items and keys are grown with arena_push: an array of n entries must have
 * room for the next power of two at least n. Build them with the helpers
 * below (or ydoc_clone) rather than by hand; code that edits keys[] in
 * place may only remove entries (a map's key table notices a new count,
 * not a new order). */

/* Limits that make hostile input fail fast (0 = default). */
struct ydoc_limits {
  size_t max_bytes;       /* document size; default 16 MiB */
  size_t max_depth;       /* nesting; default 200 */
  size_t max_alias_nodes; /* nodes produced by alias expansion; default
                             1,000,000 and never more than 100x the nodes
                             written in the file */
  size_t max_alias_bytes; /* text of the scalars copied by alias expansion;
                             default 64 MiB */
};

/* Parse one YAML document (a second document in the stream is an error).
 * file names the source in positions (e.g. "compose.yaml", "-").
 * Anchors and aliases are expanded, merge keys `<<` applied, duplicate keys
 * rejected ("file:6:3: mapping key 'command' already defined at line 5"),
 * !reset and !override recorded as flags (other explicit tags in tag;
 * !!str makes a plain scalar QUOTED). Keys written in a map win over merged
 * ones; in `<<: [*a, *b]` the earlier map wins. An alias is a deep copy of
 * its anchor, positioned where the anchor was written. An empty document
 * (nothing, comments only, a lone `---` or `null`) gives *out = NULL and
 * returns 0. Errors: ERR_YAML (syntax, with libyaml's problem text and a
 * hint for tabs; control characters and bytes that are not UTF-8, at their
 * line and column; a NUL written as "\0" in a string; a second document;
 * unknown or self-referring anchors; non-scalar keys; bad merge values),
 * ERR_LIMIT ("excessive aliasing (alias expansion exceeds N nodes)", or N
 * bytes of text, nesting, size). */
int ydoc_parse(struct arena *a, const char *file, const char *text, size_t len,
               const struct ydoc_limits *lim, struct ynode **out,
               struct err *err);
/* Read and parse a file; ERR_IO with "cannot read 'f': strerror" or
 * "'f' is a directory, not a compose file". */
int ydoc_parse_file(struct arena *a, const char *path,
                    const struct ydoc_limits *lim, struct ynode **out,
                    struct err *err);

/* Map lookup by key text; NULL when absent or map is not a MAP. Constant
 * time in the size of the map (a large map keeps a key table, which a
 * lookup rebuilds when keys[] was edited by hand). */
struct ynode *ydoc_get(const struct ynode *map, const char *key);
/* Index of key in map (the first when a key repeats), or -1. */
long ydoc_index(const struct ynode *map, const char *key);
/* Type of a scalar under the rules above (NULL nodes give YSCALAR_NULL).
 * Booleans: true True TRUE false False FALSE (yes, no, on, off, y, n are
 * strings). Integers: [-+]?[0-9]+, 0o[0-7]+, 0x[0-9a-fA-F]+ within 64 bits;
 * floats [-+]?(.d+|d+(.d*)?)([eE][-+]?d+)?, the .inf/.nan forms, and
 * integers too large for 64 bits. No underscores (1_000 is a string). An
 * empty SCALAR (built, or interpolated to "") is a string. */
enum yscalar_type ydoc_scalar_type(const struct ynode *n);
/* Boolean value of a core-schema boolean scalar: 1, 0, or -1 if not one. */
int ydoc_bool(const struct ynode *n);

/* Builders: new nodes in the arena, positioned at pos (may be NULL). */
struct ynode *ydoc_new_null(struct arena *a, const struct err_pos *pos);
struct ynode *ydoc_new_scalar(struct arena *a, const struct err_pos *pos,
                              const char *s, unsigned flags);
struct ynode *ydoc_new_seq(struct arena *a, const struct err_pos *pos);
struct ynode *ydoc_new_map(struct arena *a, const struct err_pos *pos);
void ydoc_seq_push(struct arena *a, struct ynode *seq, struct ynode *item);
/* Set key to value: replaces an existing entry in place, else appends. */
void ydoc_map_set(struct arena *a, struct ynode *map, const char *key,
                  struct ynode *value);
/* Remove key if present. */
void ydoc_map_del(struct ynode *map, const char *key);
/* Deep copy. */
struct ynode *ydoc_clone(struct arena *a, const struct ynode *n);
/* A short human name for what a node is: "a string", "a mapping"... */
const char *ydoc_kind_name(const struct ynode *n);

#endif
