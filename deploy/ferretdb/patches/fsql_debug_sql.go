// Harbour: SQL debug logging that costs nothing when it is off.
//
// FerretDB 1.24 logged every SQL statement it ran as `l.With(args...).DebugContext(...)`.
// With() formats its attributes at once, whatever the level, and the arguments of an
// INSERT or UPDATE include the whole document's JSON text, quoted character by character:
// measured, 7% of the store's CPU under Harbour's concern load, and the garbage that goes
// with it, for log lines that were then dropped. Now nothing is built unless debug
// logging is on.

package fsql

import (
	"context"
	"log/slog"
)

func debugSQL(ctx context.Context, l *slog.Logger, fields []any, prefix, query string) {
	if !l.Enabled(ctx, slog.LevelDebug) {
		return
	}

	l.With(fields...).DebugContext(ctx, prefix+query)
}
