package commands

import (
	"io"
	"strings"
	"testing"
)

// BenchmarkVersion is the in-process part of `aws-vault --version`: building
// the command model and parsing, without process start-up.
func BenchmarkVersion(b *testing.B) {
	for b.Loop() {
		if code := Main([]string{"--version"}, strings.NewReader(""), io.Discard, io.Discard, nil); code != 0 {
			b.Fatal(code)
		}
	}
}
