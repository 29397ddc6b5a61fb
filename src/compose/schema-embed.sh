#!/bin/sh
# Turn schemas/compose-spec.json into C: an array of string literals, one
# per line, ending with NULL, so the binary carries its schema.
# Usage: sh schema-embed.sh compose-spec.json > schema-data.c
set -e
in=$1
[ -r "$in" ] || { echo "schema-embed.sh: cannot read '$in'" >&2; exit 1; }
echo '/* Generated from schemas/compose-spec.json by schema-embed.sh. */'
echo '#include <stddef.h>'
echo 'extern const char *const schema_compose_json[];'
echo 'const char *const schema_compose_json[] = {'
sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/	/\\t/g' \
    -e 's/^/  "/' -e 's/$/\\n",/' "$in"
echo '  NULL'
echo '};'
