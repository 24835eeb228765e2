// Harbour's addition to FerretDB 1.24.2's SQLite backend (deploy/ferretdb/build.sh).
//
// FerretDB keeps documents as JSON text and decodes every document it reads, on every
// read: half of a read's CPU. This cache keeps decoded documents keyed by the stored text
// itself, so a hit is by construction the document that text decodes to, and any write
// (new text) misses. Callers get a deep copy, never the cached value. MongoDB keeps
// recently read documents in memory too (the WiredTiger cache); this is the same idea
// for the local store, bounded by the size of the text it holds.

package sqlite

import (
	"container/list"
	"sync"

	"github.com/FerretDB/FerretDB/internal/handler/sjson"
	"github.com/FerretDB/FerretDB/internal/types"
)

// docCacheBytes bounds the stored text the cache holds (the decoded documents take a
// few times as much).
const docCacheBytes = 64 << 20

type cachedDoc struct {
	text string
	doc  *types.Document
}

type docCache struct {
	m     sync.Mutex
	items map[string]*list.Element
	order *list.List // most recently used first
	bytes int
}

var decoded = &docCache{items: map[string]*list.Element{}, order: list.New()}

// decodeCached returns the document the stored text decodes to.
func decodeCached(b []byte) (*types.Document, error) {
	if doc := decoded.get(b); doc != nil {
		return doc, nil
	}

	doc, err := sjson.Unmarshal(b)
	if err != nil {
		return nil, err
	}

	decoded.put(string(b), doc.DeepCopy())

	return doc, nil
}

func (c *docCache) get(b []byte) *types.Document {
	c.m.Lock()
	defer c.m.Unlock()

	e, ok := c.items[string(b)] // no allocation: the compiler looks the bytes up in place
	if !ok {
		return nil
	}

	c.order.MoveToFront(e)

	return e.Value.(*cachedDoc).doc.DeepCopy()
}

func (c *docCache) put(text string, doc *types.Document) {
	if len(text) > docCacheBytes/64 {
		return
	}

	c.m.Lock()
	defer c.m.Unlock()

	if _, ok := c.items[text]; ok {
		return
	}

	c.items[text] = c.order.PushFront(&cachedDoc{text: text, doc: doc})
	c.bytes += len(text)

	for c.bytes > docCacheBytes {
		oldest := c.order.Back()
		item := oldest.Value.(*cachedDoc)
		c.order.Remove(oldest)
		delete(c.items, item.text)
		c.bytes -= len(item.text)
	}
}

// remember caches a document being written, under the text it is stored as: the next
// read of it (often at once: a read, change and write of the same document) need not
// decode it. Correct whether or not the write then commits, since an entry only says what
// its text decodes to.
func remember(b []byte, doc *types.Document) {
	decoded.put(string(b), doc.DeepCopy())
}
