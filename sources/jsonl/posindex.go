package jsonl

import (
	"cmp"
	"encoding/binary"
	"slices"
)

// positions is where the events of one stream are: for each, its
// position (input<<posShift | byte offset of its line) and its line
// number in its input. It keeps them in blocks of posBlockLen events: the
// first event of a block whole, the others as varint deltas from the
// event before. The positions of a stream only grow (a stream's events
// come in file order, the files in order), and so do the line numbers
// within a file, so the deltas are small. A line number's delta is kept
// as its difference from the one the offset's delta predicts (the
// offset's delta over the log's mean line length): mostly within one
// byte. That makes about 4 bytes an event where a thousand streams are
// interleaved, 2 where one is alone, against 12 for two plain slices
// (and up to twice that while append doubles them). Finding event i
// decodes at most one block.
type positions struct {
	blocks []posBlock // full, their deltas in an arena page
	open   posBlock   // the block being filled; data is its own
	n      int        // events
	last   uint64     // position of the last event
	line   uint32     // line number of the last event
}

// posBlock is posBlockLen events (fewer in the open block).
type posBlock struct {
	pos  uint64 // the first event's position
	line uint32 // and line number
	// scale is lines per byte of the log, in 16.16 fixed point, when the
	// block began: an offset's delta times it predicts the line's delta.
	scale uint32
	data  []byte // the deltas of the others
}

// predict is how many lines an offset's delta d spans at scale.
func predict(d uint64, scale uint32) uint32 {
	if d >= 1<<32 {
		return 0
	}
	return uint32(d * uint64(scale) >> 16)
}

const posBlockLen = 128

// arena holds the deltas of full blocks, of every stream of a log, in
// large pages: one allocation per page rather than one per block, and no
// slice growing by doubling, however long the log.
type arena struct {
	page []byte
}

const arenaPage = 1 << 20

// keep copies b into the arena and returns the copy.
func (a *arena) keep(b []byte) []byte {
	if len(b) > cap(a.page)-len(a.page) {
		a.page = make([]byte, 0, max(arenaPage, len(b)))
	}
	start := len(a.page)
	a.page = append(a.page, b...)
	return a.page[start:len(a.page):len(a.page)]
}

// add appends an event at pos, on line no of its input; scale is the
// log's lines per byte so far, in 16.16 fixed point.
func (p *positions) add(a *arena, pos uint64, no uint32, scale uint32) {
	if p.n%posBlockLen == 0 {
		if p.n > 0 {
			full := p.open
			full.data = a.keep(full.data)
			p.blocks = append(p.blocks, full)
		}
		// The old data was copied: reading a run copies it out under the
		// log's lock, so it can be written over.
		p.open = posBlock{pos: pos, line: no, scale: scale, data: p.open.data[:0]}
	} else {
		d := pos - p.last
		p.open.data = binary.AppendUvarint(p.open.data, d)
		if pos>>posShift == p.last>>posShift {
			miss := int64(no-p.line) - int64(predict(d, p.open.scale))
			p.open.data = binary.AppendVarint(p.open.data, miss)
		} else {
			// Another file: line numbers start again.
			p.open.data = binary.AppendUvarint(p.open.data, uint64(no))
		}
	}
	p.n++
	p.last, p.line = pos, no
}

// at returns the position and line number of event i (0-based).
func (p *positions) at(i int) (uint64, uint32) {
	var pos [1]uint64
	var no [1]uint32
	p.run(pos[:], no[:], i)
	return pos[0], no[0]
}

// run fills pos and lines with the positions and line numbers of the
// events from i on, len(pos) of them (as many as lines; all indexed).
func (p *positions) run(pos []uint64, lines []uint32, i int) {
	for k := 0; k < len(pos); {
		b := (i + k) / posBlockLen
		block := &p.open
		if b < len(p.blocks) {
			block = &p.blocks[b]
		}
		skip := (i + k) % posBlockLen
		at, no, data, x := block.pos, block.line, block.data, 0
		for j := 0; ; j++ {
			if j >= skip {
				pos[k], lines[k] = at, no
				k++
				if k == len(pos) {
					return
				}
			}
			if j == posBlockLen-1 {
				break
			}
			var d, dl uint64
			d, x = uvarint(data, x)
			dl, x = uvarint(data, x)
			next := at + d
			if next>>posShift == at>>posShift {
				miss := int64(dl>>1) ^ -int64(dl&1) // as binary.AppendVarint wrote it
				no += uint32(int64(predict(d, block.scale)) + miss)
			} else {
				no = uint32(dl)
			}
			at = next
		}
	}
}

// uvarint decodes the varint at data[x:], as binary.AppendUvarint wrote
// it, and returns it and where the next one starts.
func uvarint(data []byte, x int) (uint64, int) {
	var v uint64
	for s := uint(0); ; s += 7 {
		c := data[x]
		x++
		v |= uint64(c&0x7f) << s
		if c < 0x80 {
			return v, x
		}
	}
}

// bytes is the memory the stream's index holds, arena bytes included.
func (p *positions) bytes() int {
	const blockSize = 8 + 8 + 24 // posBlock
	n := (cap(p.blocks) + 1) * blockSize
	for _, b := range p.blocks {
		n += len(b.data)
	}
	return n + cap(p.open.data)
}

// indexBytes is the memory the index of every stream holds.
func (l *Log) indexBytes() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, st := range l.streams {
		n += st.bytes()
	}
	return n
}

// below returns how many events lie before position at.
func (p *positions) below(at uint64) int {
	// The first block that starts at or after at: the events before it
	// are all below; of the block before it, some may be.
	b, _ := slices.BinarySearchFunc(p.blocks, at, func(blk posBlock, at uint64) int { return cmp.Compare(blk.pos, at) })
	if b == len(p.blocks) && p.n > b*posBlockLen && p.open.pos < at {
		b++ // the open block starts below at too
	}
	if b == 0 {
		return 0
	}
	c := posCursor{p: p, i: (b - 1) * posBlockLen}
	c.load()
	n := c.i
	for c.at < at {
		n++
		if !c.next() {
			break
		}
	}
	return n
}

// posCursor walks the positions of a stream's events in order, one
// varint at a time: no buffer, however many streams are walked at once.
type posCursor struct {
	p  *positions
	i  int    // the event at is the i-th (0-based)
	at uint64 // its position
	x  int    // where the next delta starts in its block's data
}

// load points the cursor at event i, which must be the first of a block.
func (c *posCursor) load() {
	b := c.p.block(c.i / posBlockLen)
	c.at, c.x = b.pos, 0
}

// block returns block b, the open block when b is past the full ones.
func (p *positions) block(b int) *posBlock {
	if b < len(p.blocks) {
		return &p.blocks[b]
	}
	return &p.open
}

// next moves on to the next event; false when there is none.
func (c *posCursor) next() bool {
	if c.i+1 >= c.p.n {
		return false
	}
	c.i++
	if c.i%posBlockLen == 0 {
		c.load()
		return true
	}
	data := c.p.block(c.i / posBlockLen).data
	var d uint64
	d, c.x = uvarint(data, c.x)
	_, c.x = uvarint(data, c.x) // the line number's
	c.at += d
	return true
}
