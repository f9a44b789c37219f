//go:build unix

package dirprofile

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws-vault/aws-vault/internal/testuser"
)

// shared is a directory another user can reach; ours is one they cannot
// write to.
func shared(t *testing.T) string {
	dir := t.TempDir()
	for _, d := range []string{filepath.Dir(dir), dir} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// Another local user plants a trust record in a trust store whose
// permissions let them: the directory must not count as allowed, and the
// user must not write new records there either.
func TestTrustRecordsOfAnotherUser(t *testing.T) {
	intruder := testuser.New(t)
	base := shared(t)
	proj := filepath.Join(base, "proj")
	if err := os.Mkdir(proj, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(proj, FileName), []byte("profile = admin\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := Find(proj)
	if err != nil || f == nil {
		t.Fatal(f, err)
	}
	trust := Trust{Dir: filepath.Join(base, "data", "aws-vault", "trust")}
	if err := os.MkdirAll(trust.Dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(trust.Dir, 0o1777); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{filepath.Dir(trust.Dir), filepath.Dir(filepath.Dir(trust.Dir))} {
		_ = os.Chmod(d, 0o755)
	}

	// The record, as the intruder writes it.
	intruder.Run(t, "mkdir", "-m", "755", trust.pathDir(f.Path))
	intruder.Run(t, "sh", "-c", fmt.Sprintf("printf '%%s\\n%%s\\n' '%s' '%s' > '%s'", f.Path, f.Hash, trust.Record(f)))
	ok, err := trust.Allowed(f)
	if ok || err == nil || !strings.Contains(err.Error(), fmt.Sprintf("is owned by uid %d, not by you", intruder.UID)) {
		t.Errorf("a planted record: allowed %v, %v", ok, err)
	}
	if err := trust.Allow(f); err == nil {
		t.Error("allowed into a store others can write to")
	}

	// A store of the user's own, but a record that is not.
	if err := os.RemoveAll(trust.pathDir(f.Path)); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(trust.Dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := trust.Allow(f); err != nil {
		t.Fatal(err)
	}
	if ok, err := trust.Allowed(f); !ok || err != nil {
		t.Fatalf("allowed %v, %v", ok, err)
	}
	if err := os.Chown(trust.Record(f), intruder.UID, intruder.GID); err != nil {
		t.Fatal(err)
	}
	if ok, err := trust.Allowed(f); ok || err == nil {
		t.Errorf("a record of another user: allowed %v, %v", ok, err)
	}
	// Nor one the group or others may write to.
	if err := os.Chown(trust.Record(f), os.Getuid(), os.Getgid()); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(trust.pathDir(f.Path), 0o777); err != nil {
		t.Fatal(err)
	}
	if ok, err := trust.Allowed(f); ok || err == nil || !strings.Contains(err.Error(), "can be written by others") {
		t.Errorf("a record directory others can write to: allowed %v, %v", ok, err)
	}
}

// allow refuses a .awsprofile another user owns, or anyone may change.
func TestAllowableFiles(t *testing.T) {
	intruder := testuser.New(t)
	base := shared(t)
	if err := os.Chmod(base, 0o1777); err != nil {
		t.Fatal(err)
	}
	theirs := filepath.Join(base, FileName)
	intruder.Run(t, "sh", "-c", "echo admin > "+theirs)
	f, err := Read(theirs)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.CheckAllowable(); err == nil || !strings.Contains(err.Error(), "not yours to allow") {
		t.Errorf("another user's file: %v", err)
	}
	mine := filepath.Join(t.TempDir(), FileName)
	if err := os.WriteFile(mine, []byte("admin\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if f, _ := Read(mine); f.CheckAllowable() != nil {
		t.Errorf("my own file: %v", f.CheckAllowable())
	}
	_ = os.Chmod(mine, 0o666)
	if f, _ := Read(mine); f.CheckAllowable() == nil {
		t.Error("a file anyone may change was allowable")
	}
}
