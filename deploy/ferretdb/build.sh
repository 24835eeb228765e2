#!/usr/bin/env bash
# Build the FerretDB 1.24.2 launcher, with changes to FerretDB's source for speed.
#
# FerretDB 1.24.2's SQLite backend creates the unique index on `_id` as
#   _ferretdb_sjson->"_id"
# but looks documents up with
#   _ferretdb_sjson->'$._id'
# SQLite only uses an expression index for the identical expression, so every lookup,
# update and delete by `_id` scanned the whole table (measured: update_one by _id 12 ms on
# 1,000 documents, 50 ms on 10,000). The fix makes the lookup use the index's expression;
# both evaluate to the same value. It is applied to a copy of the module, never to the
# shared Go module cache.
#
#   build.sh OUTPUT_BINARY BUILD_DIR
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$1"
build="$2"
module=github.com/FerretDB/FerretDB

cd "$here"
go mod download "$module"
upstream="$(go list -m -f '{{.Dir}}' "$module")"

rm -rf "$build"
mkdir -p "$build"
cp -R "$upstream" "$build/FerretDB"
chmod -R u+w "$build/FerretDB"

metadata="$build/FerretDB/internal/backends/sqlite/metadata/metadata.go"
sed -i "s|IDColumn = DefaultColumn + \"->'\\\$._id'\"|IDColumn = DefaultColumn + \`->\"_id\"\`|" "$metadata"
grep -q 'IDColumn = DefaultColumn + `->"_id"`' "$metadata" || {
    echo "build.sh: the _id index fix no longer applies to $metadata" >&2
    exit 1
}

# Changes for speed, each explained in its file: a pre-filter that answers top-level
# string and boolean conditions from FerretDB's own field indexes
# (patches/sqlite_prefilter.go); a cache of decoded documents keyed by their stored text,
# filled by reads and by writes (patches/sqlite_doc_cache.go); SQL debug lines built only
# when debug logging is on (patches/fsql_debug_sql.go); leak tracking (a stack trace per
# iterator) kept for debug builds only; each statement of a bulk update closes its read
# before the next one starts (upstream held them all open: more than 100 statements
# stalled). And one for correctness: update, findAndModify and
# delete hold a lock on what they change from their read to their write
# (patches/handler_write_lock.go), so that a conditional update is a compare-and-set, as on
# MongoDB.
patch --quiet --directory="$build/FerretDB" -p1 <"$here/patches/ferretdb.patch" || {
    echo "build.sh: patches/ferretdb.patch no longer applies to FerretDB's source" >&2
    exit 1
}
sqlite="$build/FerretDB/internal/backends/sqlite"
cp "$here/patches/sqlite_prefilter.go" "$sqlite/prefilter.go"
cp "$here/patches/sqlite_doc_cache.go" "$sqlite/doc_cache.go"
cp "$here/patches/handler_write_lock.go" "$build/FerretDB/internal/handler/write_lock.go"
cp "$here/patches/fsql_debug_sql.go" "$build/FerretDB/internal/util/fsql/debug_sql.go"

cp go.mod go.sum "$build/"
echo "replace $module => $build/FerretDB" >>"$build/go.mod"
go build -modfile="$build/go.mod" -o "$out" .
