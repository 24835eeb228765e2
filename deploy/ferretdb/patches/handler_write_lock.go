// Harbour: conditional writes as a real compare-and-set.
//
// FerretDB 1.x runs update, findAndModify and delete as a read of the matching documents
// followed by a separate write of the changed ones, with nothing between the two: two
// clients updating one document at once could both match the same condition
// ({"_id": x, "version": 3}), and one silently undid the other's change (measured: 100
// racing conditional updates had 173 winners; 200 racing $sets of different fields lost
// 68). MongoDB applies each statement atomically to a document, and Harbour's writers rely
// on it: an edit is written with the version it read, and retried when it no longer
// matches. Serialising these three commands per collection gives FerretDB the same
// semantics. SQLite allows one writer at a time anyway, so little concurrency is lost;
// reads and inserts do not take the lock (an insert is atomic through the unique _id
// index).

package handler

import "sync"

// namespaceLocks maps "database.collection" to its *sync.Mutex.
var namespaceLocks sync.Map

// lockNamespace takes the collection's write lock and returns its release.
func lockNamespace(db, collection string) func() {
	m, _ := namespaceLocks.LoadOrStore(db+"."+collection, new(sync.Mutex))
	mu := m.(*sync.Mutex)
	mu.Lock()

	return mu.Unlock
}
