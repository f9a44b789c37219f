package config

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"time"

	"gopkg.in/ini.v1"
)

// Open opens the config file at path for commands that resolve one
// profile (exec, export, env, hook-exec, login): their cost must not grow
// with the number of profiles, and organisations that generate a profile
// per account and role have thousands. Open makes one pass over the file
// that checks its structure (scanner: no value is parsed), notes where
// each section starts, and parses [default]; each other profile or
// sso-session is parsed when first asked for, from its own text read at
// the places noted, by ini.v1 as Load would parse it. Everything else
// behaves as a File from Load: a file the scan does not follow for sure
// (classify) is parsed whole at once, with Load's errors, and so is the
// whole file when ProfileNames is asked for (suggestions for a mistyped
// name, rotate, list), after which the File is an ordinary one.
func Open(path string) (*File, error) {
	fh, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return parse(path, nil)
	}
	if err != nil {
		return nil, fmt.Errorf("reading AWS config %s: %w", path, err)
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil || !st.Mode().IsRegular() {
		// A pipe (AWS_CONFIG_FILE=/dev/fd/3) cannot be read twice.
		data, err := io.ReadAll(fh)
		if err != nil {
			return nil, fmt.Errorf("reading AWS config %s: %w", path, err)
		}
		return parse(path, data)
	}
	if st.Size() >= 1<<32 {
		return Load(path)
	}
	f := &File{Path: path, profiles: map[string]*ini.Section{}, sso: map[string]*ini.Section{},
		lazy: &lazySections{
			looked: map[sectionID]bool{}, size: st.Size(), mtime: st.ModTime(),
			// Pages of the slice that are never written cost nothing.
			index: make([]sectionStart, 0, st.Size()/64+8),
		}}
	simple, err := f.check(fh)
	if err != nil {
		return nil, fmt.Errorf("reading AWS config %s: %w", path, err)
	}
	if !simple {
		return Load(path)
	}
	return f, nil
}

// lazySections is what a File from Open knows beyond the sections it has
// parsed.
type lazySections struct {
	looked map[sectionID]bool // parsed or found missing
	err    error              // a read after Open that failed
	// index lists the file's section headers in order; a section's text
	// runs to the next one. size and mtime say which file it describes.
	index []sectionStart
	size  int64
	mtime time.Time
}

type sectionID struct {
	kind byte // profileSection or ssoSection
	name string
}

type sectionStart struct {
	off  uint32 // where the header line starts
	hash uint32 // sectionHash, or 0 for a section aws-vault ignores
}

// sectionHash is FNV-1a of a section's kind and name, never 0.
func sectionHash(kind byte, name []byte) uint32 {
	h := uint32(2166136261)
	h = (h ^ uint32(kind)) * 16777619
	for _, c := range name {
		h = (h ^ uint32(c)) * 16777619
	}
	if h == 0 {
		h = 1
	}
	return h
}

// check is Open's pass over the file: it follows the structure as ini.v1
// will read it (simple is false at the first thing it does not follow for
// sure), notes each header in the index, and parses [default] (with
// [profile default]), which every profile reads.
func (f *File) check(r io.Reader) (simple bool, err error) {
	var def []byte
	s := newScanner(r)
	taking := false
	for {
		line, kind, secKind, name, ok := s.next()
		if !ok {
			break
		}
		if kind == lineHeader {
			h := uint32(0)
			if secKind != otherSection {
				h = sectionHash(secKind, name)
			}
			f.lazy.index = append(f.lazy.index, sectionStart{uint32(s.lines.lineOff), h})
			taking = secKind == profileSection && string(name) == defaultSection
		}
		if taking {
			def = append(def, line...)
			def = append(def, '\n')
		}
	}
	if err := s.err(); err != nil {
		return false, err
	}
	return s.simple && f.add(def, sectionID{profileSection, defaultSection}), nil
}

// add parses text, every part of the wanted sections in file order (a
// profile may have several: [default] and [profile default], or a section
// repeated), which is how the full parse reads them, and records what it
// found. It reports false when ini.v1 refuses the text; the File is then
// unchanged, and the full parse will say what is wrong.
func (f *File) add(text []byte, want ...sectionID) bool {
	part, err := parse(f.Path, text)
	if err != nil {
		return false
	}
	for _, n := range part.order {
		if _, ok := f.profiles[n]; !ok {
			f.order = append(f.order, n)
		}
		f.profiles[n] = part.profiles[n]
	}
	for n, sec := range part.sso {
		f.sso[n] = sec
	}
	for _, w := range want {
		f.lazy.looked[w] = true
	}
	return true
}

// section returns a profile's or an sso-session's section, first reading
// and parsing its text when the File is from Open and it has not been
// looked for yet.
func (f *File) section(kind byte, name string) (*ini.Section, bool) {
	id := sectionID{kind, name}
	if s, ok := f.sectionMap(kind)[name]; ok || f.lazy == nil || f.lazy.looked[id] {
		return s, ok
	}
	text, changed, err := f.lazy.read(f.Path, sectionHash(kind, []byte(name)))
	switch {
	case err != nil:
		f.lazy.looked[id] = true
		f.lazy.err = fmt.Errorf("reading AWS config %s: %w", f.Path, err)
	case changed || !f.add(text, id):
		f.loadAll()
	}
	s, ok := f.sectionMap(kind)[name]
	return s, ok
}

// read returns the text of the sections whose header hashes to h (a
// colliding name's sections come along, whole: parsing them does no harm).
// changed says the file is no longer the one Open indexed.
func (l *lazySections) read(path string, h uint32) (text []byte, changed bool, err error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, false, err
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		return nil, false, err
	}
	if st.Size() != l.size || !st.ModTime().Equal(l.mtime) {
		return nil, true, nil
	}
	for i, e := range l.index {
		if e.hash != h {
			continue
		}
		end := l.size
		if i+1 < len(l.index) {
			end = int64(l.index[i+1].off)
		}
		n := len(text)
		text = append(text, make([]byte, end-int64(e.off))...)
		if _, err := fh.ReadAt(text[n:], int64(e.off)); err != nil {
			return nil, true, nil // shorter than it was: changed
		}
		if text[len(text)-1] != '\n' {
			text = append(text, '\n')
		}
	}
	return text, false, nil
}

func (f *File) sectionMap(kind byte) map[string]*ini.Section {
	if kind == ssoSection {
		return f.sso
	}
	return f.profiles
}

// loadAll turns an opened File into a fully parsed one.
func (f *File) loadAll() {
	if f.lazy == nil {
		return
	}
	full, err := Load(f.Path)
	if err != nil {
		f.lazy.err = err
		return
	}
	*f = *full
}

// Err is the error of reading the file after Open, if any: a File from
// Open reads its sections when they are first asked for, and HasProfile
// and SSOSession cannot return errors. Resolver.Resolve returns it.
func (f *File) Err() error {
	if f.lazy == nil {
		return nil
	}
	return f.lazy.err
}
