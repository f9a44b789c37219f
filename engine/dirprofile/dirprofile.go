// Package dirprofile finds the .awsprofile that governs a directory, reads
// it, and keeps the record of which files the user has trusted.
package dirprofile

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"gopkg.in/ini.v1"

	"github.com/aws-vault/aws-vault/engine/config"
	"github.com/aws-vault/aws-vault/internal/fileowner"
)

// FileName is the name looked for in a directory and its parents.
const FileName = ".awsprofile"

// MaxSize bounds what is read: the file holds a few short lines.
const MaxSize = 64 << 10

// Found is the .awsprofile nearest to a directory.
type Found struct {
	Path string // absolute, cleaned
	Data []byte
	Hash string // hex SHA-256 of Data

	info fs.FileInfo // of the file read
}

// Find walks up from dir to the root and returns the first .awsprofile,
// or nil when there is none.
func Find(dir string) (*Found, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	for {
		p := filepath.Join(dir, FileName)
		st, err := os.Stat(p)
		if err == nil && st.Mode().IsRegular() {
			return Read(p)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return nil, nil
		}
		dir = parent
	}
}

// Read reads one .awsprofile.
func Read(path string) (*Found, error) {
	path, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	if len(data) > MaxSize {
		return nil, fmt.Errorf("%s is larger than %d KiB; it should hold a profile name", path, MaxSize>>10)
	}
	if bytes.IndexByte(data, 0) >= 0 || !utf8.Valid(data) {
		return nil, fmt.Errorf("%s is not a text file; it should hold a profile name", path)
	}
	info, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	h := sha256.Sum256(data)
	return &Found{Path: filepath.Clean(path), Data: data, Hash: hex.EncodeToString(h[:]), info: info}, nil
}

// CheckAllowable refuses to let the user trust a file that someone else
// owns or may change: what it says would then be theirs to decide.
func (f *Found) CheckAllowable() error {
	if f.info == nil {
		return nil
	}
	if err := fileowner.Check(f.info); err != nil {
		return fmt.Errorf("%s %w: it is not yours to allow (put a .awsprofile of your own next to it, or in the directory you work in)", f.Path, err)
	}
	if f.info.Mode().Perm()&0o002 != 0 && fileowner.OthersCanWrite(f.info) {
		return fmt.Errorf("%s can be changed by anyone (mode %04o): make it yours alone first (chmod o-w %s)", f.Path, f.info.Mode().Perm(), f.Path)
	}
	return nil
}

// Settings are what an .awsprofile asks for.
type Settings struct {
	Profile  string
	Region   string        // optional
	Duration time.Duration // optional
}

// Parse reads the file format:
//
//	# comments with # or ;
//	profile = work-admin
//	region = eu-west-1   (optional)
//	duration = 2h        (optional, with a unit)
//
// A file holding just a profile name on one line is accepted too; the
// name keeps its case (profile names are case-sensitive), while the keys
// are read in any case.
func Parse(path string, data []byte) (Settings, error) {
	f, err := ini.LoadSources(ini.LoadOptions{AllowBooleanKeys: true, SpaceBeforeInlineComment: true}, data)
	if err != nil {
		return Settings{}, fmt.Errorf("%s: %w", path, err)
	}
	sec := f.Section(ini.DefaultSection)
	if len(f.Sections()) > 1 {
		return Settings{}, fmt.Errorf("%s: sections are not used in an .awsprofile; write profile = NAME", path)
	}
	var s Settings
	keys := sec.Keys()
	if len(keys) == 1 && keys[0].Value() == "true" && !strings.Contains(string(data), "=") {
		s.Profile = keys[0].Name()
		return s, validName(path, s.Profile)
	}
	for _, k := range keys {
		v := strings.TrimSpace(k.Value())
		switch strings.ToLower(k.Name()) {
		case "profile":
			s.Profile = v
		case "region":
			if v != "" && !validRegion(v) {
				return Settings{}, fmt.Errorf("%s: region %q is not a region name (such as eu-west-1)", path, v)
			}
			s.Region = v
		case "duration":
			d, err := config.ParseDuration(v)
			if err != nil {
				return Settings{}, fmt.Errorf("%s: duration %q: %w", path, v, err)
			}
			s.Duration = d
		default:
			return Settings{}, fmt.Errorf("%s: unknown key %q (use profile, region, duration)", path, k.Name())
		}
	}
	if s.Profile == "" {
		return Settings{}, fmt.Errorf("%s: no profile; write profile = NAME", path)
	}
	return s, validName(path, s.Profile)
}

// validRegion accepts what region names are made of: letters, digits,
// '-', '_' and '.' (AWS's are like eu-west-1; local endpoints may use
// others). Anything else could not be put into a shell variable as is, or
// would show on the terminal.
func validRegion(r string) bool {
	if r == "" || len(r) > 64 {
		return false
	}
	for i := 0; i < len(r); i++ {
		c := r[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

func validName(path, name string) error {
	bad := strings.ContainsAny(name, " \t[]")
	for _, r := range name {
		bad = bad || !unicode.IsPrint(r)
	}
	if bad {
		return fmt.Errorf("%s: %q is not a profile name", path, name)
	}
	return nil
}

// Trust records which .awsprofile files (by absolute path and content) the
// user allowed. Each allowed file has one record,
//
//	Dir/<SHA-256 of the path>/<SHA-256 of the content>
//
// holding the path and the content's hash. A record exists exactly while
// that file, with that content, is allowed: editing the file changes its
// hash, so it is untrusted until allowed again, and allowing a new version
// removes the old one's record. That is what lets a shell notice allow and
// deny at its next prompt with one builtin test on the record's path
// (Record), without running aws-vault.
type Trust struct{ Dir string }

// TrustDir is $XDG_DATA_HOME/aws-vault/trust, else
// ~/.local/share/aws-vault/trust.
func TrustDir(getenv func(string) string) string {
	base := getenv("XDG_DATA_HOME")
	if base == "" {
		base = filepath.Join(getenv("HOME"), ".local", "share")
	}
	return filepath.Join(base, "aws-vault", "trust")
}

func sum(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// pathDir holds the records of one path.
func (t Trust) pathDir(path string) string { return filepath.Join(t.Dir, sum(path)) }

// Record is the record that exists while f, as it is now, is allowed.
func (t Trust) Record(f *Found) string { return filepath.Join(t.pathDir(f.Path), f.Hash) }

// legacy is where versions before the per-content records kept the one
// record of a path (allow/ next to Dir, a file named by the path's hash).
func (t Trust) legacy(path string) string {
	return filepath.Join(filepath.Dir(t.Dir), "allow", sum(path))
}

// Allowed reports whether f, as it is now, was allowed. It fails only when
// the store cannot be read or trusted: a record counts only when it, its
// directory and the store's are the user's own (see checkStore).
func (t Trust) Allowed(f *Found) (bool, error) {
	rec := t.Record(f)
	_, err := os.Lstat(rec)
	switch {
	case err == nil:
		if err := checkStore(rec, t.pathDir(f.Path), t.Dir); err != nil {
			return false, fmt.Errorf("reading the trust store: %w", err)
		}
		b, err := os.ReadFile(rec)
		if err != nil {
			return false, fmt.Errorf("reading the trust store: %w", err)
		}
		path, hash, ok := strings.Cut(strings.TrimSpace(string(b)), "\n")
		return ok && path == f.Path && hash == f.Hash, nil
	case !errors.Is(err, fs.ErrNotExist):
		return false, fmt.Errorf("reading the trust store: %w", err)
	}
	// A record of the previous layout that matches is moved over.
	legacy := t.legacy(f.Path)
	if _, err := os.Lstat(legacy); err != nil {
		return false, nil
	}
	if err := checkStore(legacy, filepath.Dir(legacy)); err != nil {
		return false, fmt.Errorf("reading the trust store: %w", err)
	}
	b, err := os.ReadFile(legacy)
	if err != nil {
		return false, nil
	}
	path, hash, ok := strings.Cut(strings.TrimSpace(string(b)), "\n")
	if !ok || path != f.Path || hash != f.Hash {
		return false, nil
	}
	if err := t.Allow(f); err != nil {
		return false, err
	}
	return true, nil
}

// Allow trusts f as it is now, and no other version of its path. It
// refuses to write into a store that is not the user's own.
func (t Trust) Allow(f *Found) error {
	dir := t.pathDir(f.Path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	if err := checkStore("", dir, t.Dir); err != nil {
		return err
	}
	rec := t.Record(f)
	tmp, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return err
	}
	_, werr := tmp.WriteString(f.Path + "\n" + f.Hash + "\n")
	if cerr := tmp.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Rename(tmp.Name(), rec)
	}
	if werr != nil {
		os.Remove(tmp.Name())
		return werr
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if e.Name() != f.Hash {
			if err := os.Remove(filepath.Join(dir, e.Name())); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
		}
	}
	if err := os.Remove(t.legacy(f.Path)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// Deny forgets any trust in path, every version of it; it reports whether
// there was some.
func (t Trust) Deny(path string) (bool, error) {
	had := false
	if entries, err := os.ReadDir(t.pathDir(path)); err == nil {
		had = len(entries) > 0
	} else if !errors.Is(err, fs.ErrNotExist) {
		return false, err
	}
	if err := os.RemoveAll(t.pathDir(path)); err != nil {
		return false, err
	}
	switch err := os.Remove(t.legacy(path)); {
	case err == nil:
		had = true
	case !errors.Is(err, fs.ErrNotExist):
		return had, err
	}
	return had, nil
}

// checkStore checks the record file rec ("": none) and the directories
// of the trust store that lead to it: each must be what it should be (a
// regular file, a directory; not a symlink), owned by the user, and not
// writable by anyone else. Otherwise another local user could have put a
// record there, and a directory would load its profile without the user
// ever allowing it.
func checkStore(rec string, dirs ...string) error {
	check := func(path string, dir bool) error {
		fi, err := os.Lstat(path)
		switch {
		case err != nil:
			return err
		case fi.Mode()&fs.ModeSymlink != 0:
			return fmt.Errorf("%s is a symbolic link", path)
		case dir && !fi.IsDir():
			return fmt.Errorf("%s is not a directory", path)
		case !dir && !fi.Mode().IsRegular():
			return fmt.Errorf("%s is not a regular file", path)
		}
		if err := fileowner.Check(fi); err != nil {
			return fmt.Errorf("%s %w; the trust store must be yours alone", path, err)
		}
		if fileowner.OthersCanWrite(fi) {
			return fmt.Errorf("%s can be written by others (mode %04o); the trust store must be yours alone: chmod go-w %s", path, fi.Mode().Perm(), path)
		}
		return nil
	}
	if rec != "" {
		if err := check(rec, false); err != nil {
			return err
		}
	}
	for _, d := range dirs {
		if err := check(d, true); err != nil {
			return err
		}
	}
	return nil
}
