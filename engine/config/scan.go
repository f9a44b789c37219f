package config

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
)

// The scans in this file read a config's structure (which lines are section
// headers, and what they name) without ini.v1, so that commands that need
// a few sections, or only the profile names, do not pay for parsing
// thousands of profiles: ini.v1 builds every key and compares each new
// section with all earlier ones. A scan follows ini.v1's reading of a
// line only where it is sure of it; anything else makes the caller fall
// back to the full parse, which reports errors the way it always has.

// errLongLine is a line longer than the scan's buffer: left to ini.v1.
var errLongLine = errors.New("config line too long for the scan")

const scanBuffer = 64 << 10

// lineReader yields the lines of r as ini.v1 splits them (at '\n'), each
// without its '\n', from one reused buffer: a large config is never held
// in memory whole.
type lineReader struct {
	r          io.Reader
	buf        []byte
	start, end int
	eof        bool
	err        error
	base       int64 // the file offset of buf[0]
	lineOff    int64 // the file offset of the line next returned last
	// plain says that buf[start:end] holds none of the bytes that may
	// let ini.v1 continue a value on the next line (see classify), so
	// that the lines need not be checked one by one.
	plain bool
}

func newLineReader(r io.Reader) *lineReader {
	return &lineReader{r: r, buf: make([]byte, scanBuffer)}
}

// next returns the next line; ok is false at the end or on an error (in err).
func (lr *lineReader) next() (line []byte, ok bool) {
	for {
		if i := bytes.IndexByte(lr.buf[lr.start:lr.end], '\n'); i >= 0 {
			line = lr.buf[lr.start : lr.start+i]
			lr.lineOff = lr.base + int64(lr.start)
			lr.start += i + 1
			return line, true
		}
		if lr.eof || lr.err != nil {
			if lr.start < lr.end && lr.err == nil {
				line = lr.buf[lr.start:lr.end]
				lr.lineOff = lr.base + int64(lr.start)
				lr.start = lr.end
				return line, true
			}
			return nil, false
		}
		if lr.start == 0 && lr.end == len(lr.buf) {
			lr.err = errLongLine
			return nil, false
		}
		lr.base += int64(lr.start)
		lr.end = copy(lr.buf, lr.buf[lr.start:lr.end])
		lr.start = 0
		n, err := lr.r.Read(lr.buf[lr.end:])
		lr.end += n
		unread := lr.buf[:lr.end]
		lr.plain = bytes.IndexByte(unread, '"') < 0 && bytes.IndexByte(unread, '`') < 0 && bytes.IndexByte(unread, '\\') < 0
		if err == io.EOF {
			lr.eof = true
		} else if err != nil {
			lr.err = err
		}
	}
}

type lineKind int

const (
	lineBlank  lineKind = iota // empty, or a comment
	lineKey                    // key = value (or key: value), or a nested value
	lineHeader                 // [section]
)

var tripleQuote = []byte(`"""`)

// classify says what ini.v1 (with loadOptions) makes of one line and, for
// a header, gives the section name exactly as ini.v1 reads it. ok is false
// for a line the scans do not follow for sure: a value that ini.v1 may
// continue on the next lines (`"""`, a backquote, a trailing backslash), an
// indented header (which ini.v1 may read as a nested value), a header with
// more than one ']' or text after it, an empty or "DEFAULT" section name,
// and a line that is not key = value.
//
// plain says the line has no '"', '`' or '\\' (lineReader.plain). The
// common lines (key = value, a header, a comment) take a short path.
func classify(line []byte, plain bool) (kind lineKind, section []byte, ok bool) {
	if plain && len(line) > 0 {
		switch c := line[0]; {
		case 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_':
			if bytes.IndexByte(line, '=') >= 0 || bytes.IndexByte(line, ':') >= 0 {
				return lineKey, nil, true
			}
			return 0, nil, false
		case c == '#' || c == ';':
			return lineBlank, nil, true
		}
	}
	t := bytes.TrimSpace(line)
	if len(t) == 0 || t[0] == '#' || t[0] == ';' {
		return lineBlank, nil, true
	}
	if t[0] == '[' {
		if line[0] != '[' {
			return 0, nil, false
		}
		end := bytes.IndexByte(t, ']')
		if end < 0 || bytes.LastIndexByte(t, ']') != end {
			return 0, nil, false
		}
		if rest := bytes.TrimSpace(t[end+1:]); len(rest) > 0 && rest[0] != '#' && rest[0] != ';' {
			return 0, nil, false
		}
		name := t[1:end]
		if len(name) == 0 || string(name) == "DEFAULT" {
			return 0, nil, false
		}
		return lineHeader, name, true
	}
	if bytes.IndexByte(t, '=') < 0 && bytes.IndexByte(t, ':') < 0 {
		return 0, nil, false
	}
	if !plain && (t[len(t)-1] == '\\' || bytes.IndexByte(t, '`') >= 0 || bytes.Contains(t, tripleQuote)) {
		return 0, nil, false
	}
	return lineKey, nil, true
}

// Section kinds, as aws-vault sees them.
const (
	otherSection   = 0
	profileSection = 'p'
	ssoSection     = 's'
)

// sectionOf says what a section name (as ini.v1 reads it) is to aws-vault:
// a profile and its name ([default] and [profile default] are both
// "default"), an sso-session and its name, or something else. ok is false
// for "[profile ]", which the full parse reports.
func sectionOf(section []byte) (kind byte, name []byte, ok bool) {
	switch {
	case string(section) == defaultSection || string(section) == profilePrefix+defaultSection:
		return profileSection, []byte(defaultSection), true
	case bytes.HasPrefix(section, []byte(profilePrefix)):
		name = bytes.TrimSpace(section[len(profilePrefix):])
		return profileSection, name, len(name) > 0
	case bytes.HasPrefix(section, []byte(ssoSessionPrefix)):
		return ssoSection, bytes.TrimSpace(section[len(ssoSessionPrefix):]), true
	}
	return otherSection, nil, true
}

// scanner walks a config line by line, as ini.v1 will read it. simple
// turns false, and the walk stops, at the first thing the scan does not
// follow for sure (classify's list, keys before the first section,
// "[profile ]", a line too long for the buffer).
type scanner struct {
	lines     *lineReader
	inSection bool
	simple    bool
}

func newScanner(r io.Reader) *scanner {
	return &scanner{lines: newLineReader(r), simple: true}
}

// next returns the next line with its kind; for a header, what the
// section is (sectionOf). ok is false at the end, when the file is not
// simple, or on a read error (err).
func (s *scanner) next() (line []byte, kind lineKind, secKind byte, name []byte, ok bool) {
	for {
		line, ok = s.lines.next()
		if !ok {
			if s.lines.err == errLongLine {
				s.simple = false
			}
			return nil, 0, 0, nil, false
		}
		var section []byte
		kind, section, ok = classify(line, s.lines.plain)
		switch {
		case !ok:
		case kind == lineBlank:
			return line, kind, 0, nil, true
		case kind == lineKey && s.inSection:
			return line, kind, 0, nil, true
		case kind == lineHeader:
			s.inSection = true
			secKind, name, ok = sectionOf(section)
			if ok {
				return line, kind, secKind, name, true
			}
		}
		s.simple = false
		return nil, 0, 0, nil, false
	}
}

func (s *scanner) err() error {
	if s.lines.err == errLongLine {
		return nil
	}
	return s.lines.err
}

// ScanProfileNames returns what Load(path).ProfileNames() returns, reading
// only the section headers. It serves list --profiles and completion, which
// run on every keystroke and need no values. Anything the scan is not sure
// of makes it fall back to the full parse, so errors are reported the same
// way.
func ScanProfileNames(path string) ([]string, error) {
	fh, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	names, ok, err := scanProfileNames(fh)
	if err != nil {
		return nil, err
	}
	if ok {
		return names, nil
	}
	f, err := Load(path)
	if err != nil {
		return nil, err
	}
	return f.ProfileNames(), nil
}

func scanProfileNames(r io.Reader) ([]string, bool, error) {
	var names []string
	seen := map[string]bool{}
	inDefault, defaultHasKeys, defaultListed := false, false, -1
	s := newScanner(r)
	for {
		_, kind, secKind, name, ok := s.next()
		if !ok {
			break
		}
		switch kind {
		case lineKey:
			defaultHasKeys = defaultHasKeys || inDefault
			continue
		case lineBlank:
			continue
		}
		inDefault = secKind == profileSection && string(name) == defaultSection
		if secKind != profileSection || seen[string(name)] {
			continue
		}
		n := string(name)
		seen[n] = true
		if inDefault {
			defaultListed = len(names)
		}
		names = append(names, n)
	}
	if err := s.err(); err != nil {
		return nil, false, err
	}
	if !s.simple {
		return nil, false, nil
	}
	if defaultListed >= 0 && !defaultHasKeys {
		names = append(names[:defaultListed], names[defaultListed+1:]...)
	}
	return names, true, nil
}
