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
	h := sha256.Sum256(data)
	return &Found{Path: filepath.Clean(path), Data: data, Hash: hex.EncodeToString(h[:])}, nil
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
// A file holding just a profile name on one line is accepted too.
func Parse(path string, data []byte) (Settings, error) {
	f, err := ini.LoadSources(ini.LoadOptions{AllowBooleanKeys: true, SpaceBeforeInlineComment: true, InsensitiveKeys: true}, data)
	if err != nil {
		return Settings{}, fmt.Errorf("%s: %w", path, err)
	}
	sec := f.Section(ini.DefaultSection)
	if len(f.Sections()) > 1 {
		return Settings{}, fmt.Errorf("%s: sections are not used in an .awsprofile; write profile = NAME", path)
	}
	var s Settings
	keys := sec.Keys()
	if len(keys) == 1 && !sec.HasKey("profile") && keys[0].Value() == "true" && !strings.Contains(string(data), "=") {
		s.Profile = keys[0].Name()
		return s, validName(path, s.Profile)
	}
	for _, k := range keys {
		v := strings.TrimSpace(k.Value())
		switch k.Name() {
		case "profile":
			s.Profile = v
		case "region":
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
// the store cannot be read.
func (t Trust) Allowed(f *Found) (bool, error) {
	b, err := os.ReadFile(t.Record(f))
	switch {
	case err == nil:
		path, hash, ok := strings.Cut(strings.TrimSpace(string(b)), "\n")
		return ok && path == f.Path && hash == f.Hash, nil
	case !errors.Is(err, fs.ErrNotExist):
		return false, fmt.Errorf("reading the trust store: %w", err)
	}
	// A record of the previous layout that matches is moved over.
	b, err = os.ReadFile(t.legacy(f.Path))
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

// Allow trusts f as it is now, and no other version of its path.
func (t Trust) Allow(f *Found) error {
	dir := t.pathDir(f.Path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
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
