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
		// Profile names are case-sensitive; the keys are not.
		"Plain-Upper\n": {Profile: "Plain-Upper"},
		"Profile = Work-Admin\nREGION = us-gov-west-1\n": {Profile: "Work-Admin", Region: "us-gov-west-1"},
		"profile\n":               {Profile: "profile"},
		"profile = p\nregion =\n": {Profile: "p"},
	}
	for text, want := range good {
		got, err := Parse("f", []byte(text))
		if err != nil || got != want {
			t.Errorf("Parse(%q) = %+v, %v; want %+v", text, got, err, want)
		}
	}
	bad := map[string]string{
		"":                                      "no profile",
		"region = x\n":                          "no profile",
		"profile = p\ncolour = red\n":           `unknown key "colour"`,
		"profile = p\nduration = 7200\n":        "needs a unit",
		"[profile p]\n":                         "sections are not used",
		"profile = a b\n":                       "not a profile name",
		"profile = x\x1bc\n":                    "not a profile name",
		"profile = p\nregion = eu-west-1\x01\n": `region "eu-west-1\x01" is not a region name`,
		"profile = p\nregion = eu west 1\n":     "is not a region name",
		"profile = p\nregion = $(reboot)\n":     "is not a region name",
	}
	for text, want := range bad {
		if _, err := Parse("/x/.awsprofile", []byte(text)); err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "/x/.awsprofile") {
			t.Errorf("Parse(%q) error = %v, want %q", text, err, want)
		}
	}
}

func allowed(t *testing.T, tr Trust, f *Found) bool {
	t.Helper()
	ok, err := tr.Allowed(f)
	if err != nil {
		t.Fatal(err)
	}
	return ok
}

func exists(p string) bool { _, err := os.Stat(p); return err == nil }

func TestTrust(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, FileName)
	if err := os.WriteFile(p, []byte("work\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tr := Trust{Dir: filepath.Join(t.TempDir(), "trust")}
	f, _ := Read(p)
	if allowed(t, tr, f) || exists(tr.Record(f)) {
		t.Fatal("allowed before allow")
	}
	if err := tr.Allow(f); err != nil {
		t.Fatal(err)
	}
	if !allowed(t, tr, f) || !exists(tr.Record(f)) {
		t.Fatal("not allowed after allow, or no record")
	}
	// An edit makes it untrusted again; its record is another one.
	if err := os.WriteFile(p, []byte("prod\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	f2, _ := Read(p)
	if allowed(t, tr, f2) || exists(tr.Record(f2)) {
		t.Error("edited file still allowed")
	}
	// Allowing the new version revokes the old one: its record goes.
	if err := tr.Allow(f2); err != nil {
		t.Fatal(err)
	}
	if !allowed(t, tr, f2) || allowed(t, tr, f) || exists(tr.Record(f)) {
		t.Error("allowing a new version kept the old one")
	}
	// The same content at another path is not trusted.
	other := filepath.Join(t.TempDir(), FileName)
	_ = os.WriteFile(other, []byte("prod\n"), 0o644)
	f3, _ := Read(other)
	if allowed(t, tr, f3) {
		t.Error("trust followed the content to another path")
	}
	if had, err := tr.Deny(p); !had || err != nil {
		t.Errorf("deny = %v, %v", had, err)
	}
	if allowed(t, tr, f2) || exists(tr.Record(f2)) {
		t.Error("allowed after deny")
	}
	if had, err := tr.Deny(p); had || err != nil {
		t.Errorf("second deny = %v, %v", had, err)
	}
}

// A record of the previous layout (allow/<sha of path>, one per path) is
// honoured and moved to the new one.
func TestTrustLegacyRecord(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, FileName)
	_ = os.WriteFile(p, []byte("work\n"), 0o644)
	f, _ := Read(p)
	data := t.TempDir()
	tr := Trust{Dir: filepath.Join(data, "trust")}
	old := filepath.Join(data, "allow", sum(p))
	_ = os.MkdirAll(filepath.Dir(old), 0o700)
	if err := os.WriteFile(old, []byte(p+"\n"+f.Hash+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if !allowed(t, tr, f) || !exists(tr.Record(f)) || exists(old) {
		t.Error("legacy record not moved over")
	}
	// One for other content stays untrusted.
	_ = os.WriteFile(old, []byte(p+"\nsomething else\n"), 0o600)
	_ = os.RemoveAll(tr.Dir)
	if allowed(t, tr, f) {
		t.Error("a legacy record of other content was taken")
	}
}

// A store that cannot be read is an error, not "untrusted": a record that
// is a directory (which root cannot read either), and, for other users, a
// store without permissions.
func TestTrustUnreadable(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, FileName)
	_ = os.WriteFile(p, []byte("work\n"), 0o644)
	f, _ := Read(p)
	tr := Trust{Dir: filepath.Join(t.TempDir(), "trust")}
	if err := os.MkdirAll(tr.Record(f), 0o700); err != nil {
		t.Fatal(err)
	}
	if ok, err := tr.Allowed(f); ok || err == nil || !strings.Contains(err.Error(), "trust store") {
		t.Errorf("record is a directory: Allowed = %v, %v", ok, err)
	}
	if os.Getuid() == 0 {
		return
	}
	_ = os.RemoveAll(tr.Dir)
	if err := tr.Allow(f); err != nil {
		t.Fatal(err)
	}
	_ = os.Chmod(tr.Dir, 0)
	defer os.Chmod(tr.Dir, 0o700)
	if ok, err := tr.Allowed(f); ok || err == nil || !strings.Contains(err.Error(), "trust store") {
		t.Errorf("no permission: Allowed = %v, %v", ok, err)
	}
}

func TestReadRefusesBinaryAndHuge(t *testing.T) {
	dir := t.TempDir()
	for name, data := range map[string][]byte{
		"nul":  []byte("work\x00\n"),
		"utf8": []byte("w\xffork\n"),
		"huge": []byte(strings.Repeat("# padding\n", MaxSize/10+1)),
	} {
		p := filepath.Join(dir, name)
		_ = os.WriteFile(p, data, 0o644)
		if _, err := Read(p); err == nil || !strings.Contains(err.Error(), p) {
			t.Errorf("%s: Read error %v", name, err)
		}
	}
}
