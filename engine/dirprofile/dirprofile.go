// Package dirprofile finds the .awsprofile that governs a directory, reads
// it, and keeps the record of which files the user has trusted.
package dirprofile

import (
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
	sum := sha256.Sum256(data)
	return &Found{Path: filepath.Clean(path), Data: data, Hash: hex.EncodeToString(sum[:])}, nil
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
	if strings.ContainsAny(name, " \t[]") {
		return fmt.Errorf("%s: %q is not a profile name", path, name)
	}
	return nil
}

// Trust records which .awsprofile files (by absolute path and content) the
// user allowed. Each allowed path has one file in Dir, named after the
// SHA-256 of the path, holding the path and the content's SHA-256; editing
// the .awsprofile changes its hash, so it is untrusted until allowed again.
type Trust struct{ Dir string }

// TrustDir is $XDG_DATA_HOME/aws-vault/allow, else ~/.local/share/aws-vault/allow.
func TrustDir(getenv func(string) string) string {
	base := getenv("XDG_DATA_HOME")
	if base == "" {
		base = filepath.Join(getenv("HOME"), ".local", "share")
	}
	return filepath.Join(base, "aws-vault", "allow")
}

func (t Trust) record(path string) string {
	sum := sha256.Sum256([]byte(path))
	return filepath.Join(t.Dir, hex.EncodeToString(sum[:]))
}

// Allowed reports whether f, as it is now, was allowed.
func (t Trust) Allowed(f *Found) bool {
	b, err := os.ReadFile(t.record(f.Path))
	if err != nil {
		return false
	}
	path, hash, ok := strings.Cut(strings.TrimSpace(string(b)), "\n")
	return ok && path == f.Path && hash == f.Hash
}

// Allow trusts f as it is now.
func (t Trust) Allow(f *Found) error {
	if err := os.MkdirAll(t.Dir, 0o700); err != nil {
		return err
	}
	rec := t.record(f.Path)
	tmp := rec + ".tmp"
	if err := os.WriteFile(tmp, []byte(f.Path+"\n"+f.Hash+"\n"), 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, rec)
}

// Deny forgets any trust in path; it reports whether there was some.
func (t Trust) Deny(path string) (bool, error) {
	err := os.Remove(t.record(path))
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	return err == nil, err
}
