package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
)

// TestReadmeBuildStampsRevision builds aws-vault with the README's build
// command, under GOFLAGS=-buildvcs=false as on machines that set it
// globally, in a fresh clone of this checkout's HEAD (the go command reads
// the revision only where .git is a directory, so not in a git worktree),
// and checks that --version names the revision and the Go version.
func TestReadmeBuildStampsRevision(t *testing.T) {
	goBin := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(goBin); err != nil {
		t.Skipf("no go command to build with: %v", err)
	}
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git to read the checkout's revision with")
	}
	head, err := exec.Command("git", "rev-parse", "HEAD").Output()
	if err != nil {
		t.Skipf("not a git checkout: %v", err)
	}
	src := filepath.Join(t.TempDir(), "src")
	if out, err := exec.Command("git", "clone", "-q", ".", src).CombinedOutput(); err != nil {
		t.Fatalf("git clone: %v\n%s", err, out)
	}
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("Build and run \\(Linux\\): `CGO_ENABLED=0 go (build [^`&]*-o aws-vault \\.) &&").FindSubmatch(readme)
	if m == nil {
		t.Fatal("README.md has no line \"Build and run (Linux): `CGO_ENABLED=0 go build … -o aws-vault . && …`\"")
	}
	bin := filepath.Join(t.TempDir(), "aws-vault")
	args := strings.Fields(string(m[1]))
	for i, a := range args {
		if a == "aws-vault" && args[i-1] == "-o" {
			args[i] = bin
		}
	}
	build := exec.Command(goBin, args...)
	build.Dir = src
	build.Env = append(os.Environ(), "CGO_ENABLED=0", "GOFLAGS=-buildvcs=false")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	out, err := exec.Command(bin, "--version").Output()
	if err != nil {
		t.Fatalf("aws-vault --version: %v", err)
	}
	if want := " (" + string(head[:12]) + ", " + runtime.Version() + ")\n"; !strings.HasSuffix(string(out), want) {
		t.Errorf("aws-vault --version = %q, want it to end in %q", out, want)
	}
}
