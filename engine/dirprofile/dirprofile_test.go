package dirprofile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestFindWalksUp(t *testing.T) {
	root := t.TempDir()
	deep := filepath.Join(root, "a", "b c", "d")
	if err := os.MkdirAll(deep, 0o755); err != nil {
		t.Fatal(err)
	}
	if f, err := Find(deep); err != nil || f != nil {
		t.Fatalf("found %v, %v in an empty tree", f, err)
	}
	p := filepath.Join(root, "a", FileName)
	if err := os.WriteFile(p, []byte("profile = work\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := Find(deep)
	if err != nil || f == nil || f.Path != p {
		t.Fatalf("Find = %+v, %v", f, err)
	}
	// A nearer file wins.
	q := filepath.Join(root, "a", "b c", FileName)
	if err := os.WriteFile(q, []byte("home"), 0o644); err != nil {
		t.Fatal(err)
	}
	if f, _ := Find(deep); f.Path != q {
		t.Errorf("nearest = %s", f.Path)
	}
	// A directory named .awsprofile is not a file.
	if err := os.Mkdir(filepath.Join(deep, FileName), 0o755); err != nil {
		t.Fatal(err)
	}
	if f, _ := Find(deep); f.Path != q {
		t.Errorf("took a directory: %s", f.Path)
	}
}

func TestParse(t *testing.T) {
	good := map[string]Settings{
		"work\n":                                {Profile: "work"},
		"  team.dev_1  \n":                      {Profile: "team.dev_1"},
		"# mine\nprofile = work-admin ; note\n": {Profile: "work-admin"},
		"profile=p\nregion = eu-west-1\nduration = 2h\n": {Profile: "p", Region: "eu-west-1", Duration: 2 * time.Hour},
	}
	for text, want := range good {
		got, err := Parse("f", []byte(text))
		if err != nil || got != want {
			t.Errorf("Parse(%q) = %+v, %v; want %+v", text, got, err, want)
		}
	}
	bad := map[string]string{
		"":                               "no profile",
		"region = x\n":                   "no profile",
		"profile = p\ncolour = red\n":    `unknown key "colour"`,
		"profile = p\nduration = 7200\n": "needs a unit",
		"[profile p]\n":                  "sections are not used",
		"profile = a b\n":                "not a profile name",
	}
	for text, want := range bad {
		if _, err := Parse("/x/.awsprofile", []byte(text)); err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "/x/.awsprofile") {
			t.Errorf("Parse(%q) error = %v, want %q", text, err, want)
		}
	}
}

func TestTrust(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, FileName)
	if err := os.WriteFile(p, []byte("work\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tr := Trust{Dir: filepath.Join(t.TempDir(), "allow")}
	f, _ := Read(p)
	if tr.Allowed(f) {
		t.Fatal("allowed before allow")
	}
	if err := tr.Allow(f); err != nil {
		t.Fatal(err)
	}
	if !tr.Allowed(f) {
		t.Fatal("not allowed after allow")
	}
	// An edit makes it untrusted again.
	if err := os.WriteFile(p, []byte("prod\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	f2, _ := Read(p)
	if tr.Allowed(f2) {
		t.Error("edited file still allowed")
	}
	// The same content at another path is not trusted.
	other := filepath.Join(t.TempDir(), FileName)
	_ = os.WriteFile(other, []byte("work\n"), 0o644)
	f3, _ := Read(other)
	if tr.Allowed(f3) {
		t.Error("trust followed the content to another path")
	}
	if had, err := tr.Deny(p); !had || err != nil {
		t.Errorf("deny = %v, %v", had, err)
	}
	if tr.Allowed(f) {
		t.Error("allowed after deny")
	}
}
