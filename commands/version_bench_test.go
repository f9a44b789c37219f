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

// BenchmarkExecModel builds the partial model `exec --json PROFILE` is
// parsed against (the global flags and exec's), as every credential_process
// call does.
func BenchmarkExecModel(b *testing.B) {
	app := &App{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: io.Discard,
		Getenv: func(string) string { return "" }, LookupEnv: func(string) (string, bool) { return "", false }}
	code := 0
	for b.Loop() {
		cli := CLI{}
		if _, err := newParser(&cli, "exec", app, io.Discard, io.Discard, &code); err != nil {
			b.Fatal(err)
		}
	}
}
