// Command scanfloor reads a JSON Lines log as replaytui must at least:
// every byte read and every line validated as JSON, on one core, nothing
// kept. Its time is the floor under replaytui state's on that log; the
// benchmark matrix (bench/matrix.sh) sets the two side by side.
//
//	go run ./tools/scanfloor /tmp/1m.jsonl
package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/replaytui/replaytui/internal/jsonscan"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: scanfloor FILE")
		os.Exit(2)
	}
	f, err := os.Open(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	start := time.Now()
	buf := make([]byte, 1<<20)
	var carry, lines int
	for {
		n, err := io.ReadFull(f, buf[carry:])
		data := buf[:carry+n]
		end := len(data)
		if err == nil {
			end = bytes.LastIndexByte(data, '\n') + 1
		}
		for rest := data[:end]; len(rest) > 0; {
			line, after, _ := bytes.Cut(rest, []byte{'\n'})
			rest = after
			if len(bytes.TrimSpace(line)) == 0 {
				continue
			}
			if _, err := jsonscan.Skip(line, 0); err != nil {
				fmt.Fprintf(os.Stderr, "line %d: %v\n", lines+1, err)
				os.Exit(1)
			}
			lines++
		}
		if err != nil {
			break
		}
		carry = copy(buf, data[end:])
		if carry == len(buf) {
			buf = append(buf, make([]byte, len(buf))...)
		}
	}
	fmt.Printf("%d lines in %.2fs\n", lines, time.Since(start).Seconds())
}
