// Package config reads the AWS shared config file (~/.aws/config) the way the
// AWS CLI and the original aws-vault do, and resolves a profile into the
// settings the session engine needs.
package config

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"gopkg.in/ini.v1"
)

const (
	defaultSection    = "default"
	profilePrefix     = "profile "
	ssoSessionPrefix  = "sso-session "
	envConfigFile     = "AWS_CONFIG_FILE"
	defaultConfigPath = ".aws/config"
)

// File is a parsed AWS config file.
type File struct {
	Path string

	ini      *ini.File
	profiles map[string]*ini.Section // by profile name ("default" included)
	order    []string                // profile names in file order
	sso      map[string]*ini.Section // sso-session sections by name

	// lazy is set while a File from Open holds only the sections asked
	// for so far (lazy.go).
	lazy *lazySections
}

// Path returns the config file location: $AWS_CONFIG_FILE, else ~/.aws/config.
func Path(getenv func(string) string) (string, error) {
	if p := getenv(envConfigFile); p != "" {
		return expandHome(p, getenv)
	}
	home := getenv("HOME")
	if home == "" {
		var err error
		if home, err = os.UserHomeDir(); err != nil {
			return "", fmt.Errorf("finding the AWS config file: %w", err)
		}
	}
	return filepath.Join(home, defaultConfigPath), nil
}

func expandHome(p string, getenv func(string) string) (string, error) {
	if p == "~" || strings.HasPrefix(p, "~/") {
		home := getenv("HOME")
		if home == "" {
			var err error
			if home, err = os.UserHomeDir(); err != nil {
				return "", err
			}
		}
		return filepath.Join(home, p[1:]), nil
	}
	return p, nil
}

func loadOptions() ini.LoadOptions {
	return ini.LoadOptions{
		// A '#' or ';' starts a comment only after white space, so values
		// such as https://host/#/start or "a;b" survive intact.
		SpaceBeforeInlineComment: true,
		InsensitiveKeys:          true,
		AllowNestedValues:        true,
		// Duplicate sections merge, as in the AWS CLI.
		AllowNonUniqueSections: false,
		// ini.v1 looks a key missing from [profile a.b] up in [profile a]
		// (and [profile a.b.c] in both): the AWS CLI knows no such
		// inheritance, and a profile would silently take another's
		// include_profile. A newline cannot be in a section name.
		ChildSectionDelimiter: "\n",
	}
}

// Load reads and parses the config file at path. A missing file is an empty
// config, not an error.
func Load(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return parse(path, nil)
	}
	if err != nil {
		return nil, fmt.Errorf("reading AWS config %s: %w", path, err)
	}
	return parse(path, data)
}

// Parse parses config text; path is used in messages only.
func Parse(path string, data []byte) (*File, error) { return parse(path, data) }

func parse(path string, data []byte) (*File, error) {
	f, err := ini.LoadSources(loadOptions(), data)
	if err != nil {
		return nil, describeParseError(path, data, err)
	}
	file := &File{Path: path, ini: f, profiles: map[string]*ini.Section{}, sso: map[string]*ini.Section{}}
	for _, s := range f.Sections() {
		name := s.Name()
		switch {
		case name == ini.DefaultSection:
			if len(s.Keys()) > 0 {
				return nil, fmt.Errorf("parsing AWS config %s: %s: keys before the first [section] header", path, lineOf(data, s.Keys()[0].Name()))
			}
		case name == defaultSection || name == profilePrefix+defaultSection:
			file.addProfile(defaultSection, s)
		case strings.HasPrefix(name, profilePrefix):
			pname := strings.TrimSpace(strings.TrimPrefix(name, profilePrefix))
			if pname == "" {
				return nil, fmt.Errorf("parsing AWS config %s: %s: a [profile] section needs a name", path, lineOf(data, "["+name))
			}
			file.addProfile(pname, s)
		case strings.HasPrefix(name, ssoSessionPrefix):
			file.sso[strings.TrimSpace(strings.TrimPrefix(name, ssoSessionPrefix))] = s
		default:
			// Unknown sections (e.g. [services x]) are ignored, as the AWS CLI does.
		}
	}
	return file, nil
}

func (f *File) addProfile(name string, s *ini.Section) {
	if _, dup := f.profiles[name]; dup {
		// [default] and [profile default] both present: the AWS CLI prefers
		// [default]; merge keys that the first did not set.
		for _, k := range s.Keys() {
			if !f.profiles[name].HasKey(k.Name()) {
				_, _ = f.profiles[name].NewKey(k.Name(), k.Value())
			}
		}
		return
	}
	f.profiles[name] = s
	f.order = append(f.order, name)
}

// describeParseError turns an ini error into one naming the file and line.
func describeParseError(path string, data []byte, err error) error {
	var dnf ini.ErrDelimiterNotFound
	if errors.As(err, &dnf) {
		return fmt.Errorf("parsing AWS config %s: %s: expected key = value, found %q", path, lineOf(data, dnf.Line), strings.TrimSpace(dnf.Line))
	}
	msg := err.Error()
	if rest, ok := strings.CutPrefix(msg, "unclosed section: "); ok {
		return fmt.Errorf("parsing AWS config %s: %s: unclosed section header %q", path, lineOf(data, rest), strings.TrimSpace(rest))
	}
	return fmt.Errorf("parsing AWS config %s: %w", path, err)
}

// lineOf returns "line N" for the first line containing text.
func lineOf(data []byte, text string) string {
	text = strings.TrimSpace(text)
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for n := 1; sc.Scan(); n++ {
		if text != "" && strings.Contains(sc.Text(), text) {
			return fmt.Sprintf("line %d", n)
		}
	}
	return "unknown line"
}

// ProfileNames lists the profiles in file order. An empty [default] is left
// out. A File from Open is parsed whole first.
func (f *File) ProfileNames() []string {
	f.loadAll()
	names := make([]string, 0, len(f.order))
	for _, n := range f.order {
		if n == defaultSection && len(f.profiles[n].Keys()) == 0 {
			continue
		}
		names = append(names, n)
	}
	return names
}

// HasProfile reports whether a [profile NAME] (or [default]) section exists.
func (f *File) HasProfile(name string) bool {
	_, ok := f.section(profileSection, name)
	return ok
}

// get returns a key's value in a profile section.
func (f *File) get(profile, key string) (string, bool) {
	s, ok := f.section(profileSection, profile)
	if !ok || !s.HasKey(key) {
		return "", false
	}
	return s.Key(key).String(), true
}

// SSOSession returns the keys of an [sso-session NAME] section.
func (f *File) SSOSession(name string) (map[string]string, bool) {
	s, ok := f.section(ssoSection, name)
	if !ok {
		return nil, false
	}
	return s.KeysHash(), true
}

// AddProfile appends a [profile NAME] section with the given keys to the end
// of the file, creating the file (and its directory) when missing. The
// existing text is left byte for byte as it was.
func (f *File) AddProfile(name string, keys map[string]string) error {
	if f.HasProfile(name) {
		return fmt.Errorf("profile %q already exists in %s", name, f.Path)
	}
	if strings.ContainsAny(name, "[]\n\r") || strings.TrimSpace(name) != name || name == "" {
		return fmt.Errorf("adding profile %q to %s: not a valid profile name", name, f.Path)
	}
	header := profilePrefix + name
	if name == defaultSection {
		header = defaultSection
	}
	var buf bytes.Buffer
	old, err := os.ReadFile(f.Path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("adding profile %q: %w", name, err)
	}
	if len(old) > 0 && !bytes.HasSuffix(old, []byte("\n")) {
		buf.WriteByte('\n')
	}
	if len(old) > 0 {
		buf.WriteByte('\n')
	}
	fmt.Fprintf(&buf, "[%s]\n", header)
	ks := make([]string, 0, len(keys))
	for k := range keys {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	for _, k := range ks {
		if strings.ContainsAny(keys[k], "\n\r") {
			return fmt.Errorf("adding profile %q: value of %s spans lines", name, k)
		}
		fmt.Fprintf(&buf, "%s = %s\n", k, keys[k])
	}
	if err := os.MkdirAll(filepath.Dir(f.Path), 0o700); err != nil {
		return fmt.Errorf("adding profile %q: %w", name, err)
	}
	fh, err := os.OpenFile(f.Path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("adding profile %q: %w", name, err)
	}
	if _, err := fh.Write(buf.Bytes()); err != nil {
		fh.Close()
		return fmt.Errorf("adding profile %q to %s: %w", name, f.Path, err)
	}
	if err := fh.Close(); err != nil {
		return fmt.Errorf("adding profile %q to %s: %w", name, f.Path, err)
	}
	nf, err := Load(f.Path)
	if err != nil {
		return err
	}
	*f = *nf
	return nil
}
