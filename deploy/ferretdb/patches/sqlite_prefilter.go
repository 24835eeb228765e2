// Harbour's addition to FerretDB 1.24.2's SQLite backend (deploy/ferretdb/build.sh).
//
// Upstream pushes a filter down to SQLite only when it is exactly {_id: <string>}; every
// other filter reads and decodes the whole collection. This pre-filter turns top-level
// conditions on plain strings and booleans ({f: "v"}, {f: {$eq: true}}, {f: {$in: [...]}},
// and an $or of such branches) into conditions on the expression FerretDB's own index on
// that field is built on (`_ferretdb_sjson->"f"`), so SQLite answers them from the indexes
// the application declared, as MongoDB would.
//
// It only ever narrows to a superset: the handler still applies the whole filter to every
// document returned. MongoDB's {f: "v"} also matches an array holding "v", so array values
// (JSON text from '[' up to, not including, '\') always pass. Strings that JSON could
// escape are not pushed down, so the text compared is the text stored; a boolean is stored
// as the JSON text true or false.

package sqlite

import (
	"fmt"
	"strings"

	"github.com/FerretDB/FerretDB/internal/backends/sqlite/metadata"
	"github.com/FerretDB/FerretDB/internal/handler/sjson"
	"github.com/FerretDB/FerretDB/internal/types"
)

// prefilter returns a WHERE clause (or "") and its arguments for the filter.
func prefilter(filter *types.Document) (string, []any) {
	where, args := conditions(filter)
	if where == "" {
		return "", nil
	}

	return " WHERE " + where, args
}

// conditions is the AND of what can be pushed down of a filter document ("" if nothing).
func conditions(filter *types.Document) (string, []any) {
	if filter == nil {
		return "", nil
	}

	var parts []string
	var args []any

	for _, key := range filter.Keys() {
		v, _ := filter.Get(key)

		var part string
		var partArgs []any

		switch {
		case key == "$or":
			part, partArgs = anyOf(v)
		case key == "_id":
			part, partArgs = idCondition(v)
		case plainName(key):
			part, partArgs = fieldCondition(key, v)
		}

		if part != "" {
			parts = append(parts, part)
			args = append(args, partArgs...)
		}
	}

	return strings.Join(parts, " AND "), args
}

// anyOf pushes an $or down only if every branch narrows something.
func anyOf(v any) (string, []any) {
	branches, ok := v.(*types.Array)
	if !ok || branches.Len() == 0 {
		return "", nil
	}

	parts := make([]string, 0, branches.Len())
	var args []any

	for i := 0; i < branches.Len(); i++ {
		b, _ := branches.Get(i)

		branch, ok := b.(*types.Document)
		if !ok {
			return "", nil
		}

		part, partArgs := conditions(branch)
		if part == "" {
			return "", nil
		}

		parts = append(parts, "("+part+")")
		args = append(args, partArgs...)
	}

	return "(" + strings.Join(parts, " OR ") + ")", args
}

// idCondition: `_id` equal to an ObjectID, or to or in plain strings (an `_id` is never
// an array).
func idCondition(v any) (string, []any) {
	values := plainStrings(v)

	if id, ok := v.(types.ObjectID); ok {
		b, err := sjson.MarshalSingleValue(id)
		if err != nil {
			return "", nil
		}

		values = []any{string(b)}
	}

	if values == nil {
		return "", nil
	}

	return fmt.Sprintf(`%s IN (%s)`, metadata.IDColumn, placeholders(len(values))), values
}

// fieldCondition: a field equal to, or in, plain strings, or an array.
func fieldCondition(key string, v any) (string, []any) {
	values := plainStrings(v)
	if values == nil {
		return "", nil
	}

	column := fmt.Sprintf("%s->%q", metadata.DefaultColumn, key)
	part := fmt.Sprintf(
		`(%[1]s IN (%[2]s) OR (%[1]s >= '[' AND %[1]s < '\'))`, column, placeholders(len(values)),
	)

	return part, values
}

// plainStrings returns the JSON text of "v", {$eq: "v"} or {$in: ["v", ...]} when every
// value is a plain string or a boolean; nil otherwise.
func plainStrings(v any) []any {
	if d, ok := v.(*types.Document); ok {
		if d.Len() != 1 {
			return nil
		}

		op := d.Keys()[0]
		v, _ = d.Get(op)

		switch op {
		case "$eq":
		case "$in":
			arr, ok := v.(*types.Array)
			if !ok || arr.Len() == 0 {
				return nil
			}

			values := make([]any, 0, arr.Len())

			for i := 0; i < arr.Len(); i++ {
				e, _ := arr.Get(i)

				text := plainText(e)
				if text == nil {
					return nil
				}

				values = append(values, text)
			}

			return values
		default:
			return nil
		}
	}

	text := plainText(v)
	if text == nil {
		return nil
	}

	return []any{text}
}

// plainText is the stored JSON text of a boolean, or of a string JSON writes without
// escapes; nil for anything else.
func plainText(v any) any {
	if b, ok := v.(bool); ok {
		if b {
			return "true"
		}

		return "false"
	}

	s, ok := v.(string)
	if !ok {
		return nil
	}

	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			return nil
		}
	}

	b, err := sjson.MarshalSingleValue(s)
	if err != nil {
		return nil
	}

	return string(b)
}

// plainName reports whether a field name is a top-level name of letters, digits and '_'
// that does not start with a digit (SQLite would read a number as an array index).
func plainName(name string) bool {
	if name == "" || name[0] >= '0' && name[0] <= '9' {
		return false
	}

	for _, r := range name {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}

	return true
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}
