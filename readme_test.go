package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestREADMEProgramsCompile type-checks every Go block of the README that
// is a whole program (it starts with a package clause), so the README's
// examples cannot drift from the API. Fragments are left to the eye.
func TestREADMEProgramsCompile(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)```go\n(.*?)```").FindAllStringSubmatch(string(readme), -1)
	checked := 0
	for i, b := range blocks {
		if !strings.HasPrefix(b[1], "package ") {
			continue
		}
		checked++
		path := filepath.Join(t.TempDir(), "main.go")
		if err := os.WriteFile(path, []byte(b[1]), 0o644); err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command("go", "vet", path).CombinedOutput(); err != nil {
			t.Errorf("README Go block %d does not compile: %v\n%s\n%s", i+1, err, out, b[1])
		}
	}
	if checked < 2 {
		t.Fatalf("found %d whole programs in the README; the library and the typed-file examples should be two", checked)
	}
}
