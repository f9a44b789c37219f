package config

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// The block of ~/.aws/config that `aws-vault sso sync SESSION` owns: the
// lines from its BEGIN marker to its END marker, both included. Nothing
// outside it is ever changed; inside it, everything is replaced at each
// sync.
const (
	blockBegin = "# BEGIN aws-vault sso sync "
	blockEnd   = "# END aws-vault sso sync "
	// BlockOptionsPrefix starts the block's line that records the sync's
	// options, so that a later sync without flags makes the same names.
	BlockOptionsPrefix = "# aws-vault sso sync options:"
)

// SSOSessionNames lists the [sso-session NAME] sections, sorted. A File
// from Open is parsed whole first, as for ProfileNames.
func (f *File) SSOSessionNames() []string {
	f.loadAll()
	names := make([]string, 0, len(f.sso))
	for n := range f.sso {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// GeneratedProfile is one profile of a sync block: its name and its keys
// in order.
type GeneratedProfile struct {
	Name string
	Keys [][2]string
}

// SSOBlock is the text of a sync block and what it holds.
type SSOBlock struct {
	Session  string
	Options  string // the options line's value
	Profiles []GeneratedProfile
}

// Render returns the block's text: markers, options, and the profiles
// sorted by name, a blank line between them.
func (b *SSOBlock) Render() string {
	var sb strings.Builder
	sb.WriteString(blockBegin + b.Session + " (generated: edits inside this block are replaced by the next sync)\n")
	sb.WriteString(BlockOptionsPrefix + " " + b.Options + "\n")
	ps := append([]GeneratedProfile(nil), b.Profiles...)
	sort.Slice(ps, func(i, j int) bool { return ps[i].Name < ps[j].Name })
	for _, p := range ps {
		sb.WriteString("\n")
		sb.WriteString(p.section())
	}
	sb.WriteString("\n" + blockEnd + b.Session + "\n")
	return sb.String()
}

func (p GeneratedProfile) section() string {
	var sb strings.Builder
	sb.WriteString("[profile " + p.Name + "]\n")
	for _, kv := range p.Keys {
		sb.WriteString(kv[0] + " = " + kv[1] + "\n")
	}
	return sb.String()
}

// ExistingBlock is the block of a session found in a config file.
type ExistingBlock struct {
	Found      bool
	Start, End int    // byte offsets: data[Start:End] is the block, its END line included
	Options    string // the options line's value, "" if none
	Sections   map[string]string
}

// FindSSOBlock finds session's block in data. Markers that do not pair
// up (a BEGIN without an END, an END before its BEGIN, two blocks for one
// session) are an error naming the lines: the file is left for a person
// to repair, and nothing is written.
func FindSSOBlock(path string, data []byte, session string) (ExistingBlock, error) {
	begin, end := blockBegin+session, blockEnd+session
	var b ExistingBlock
	beginLine, off := 0, 0
	var cur *strings.Builder
	curName := ""
	flush := func() {
		if cur != nil && curName != "" {
			b.Sections[curName] = cur.String()
		}
		cur, curName = nil, ""
	}
	for n := 1; off < len(data); n++ {
		lineEnd := bytes.IndexByte(data[off:], '\n')
		next := len(data)
		if lineEnd >= 0 {
			next = off + lineEnd + 1
		}
		line := strings.TrimRight(string(data[off:next]), "\r\n")
		trimmed := strings.TrimSpace(line)
		isBegin := trimmed == begin || strings.HasPrefix(trimmed, begin+" ")
		isEnd := trimmed == end
		switch {
		case isBegin && beginLine != 0:
			return b, fmt.Errorf("%s: line %d: a second BEGIN marker of the aws-vault sso sync block of %s (the first is on line %d); repair the file by hand", path, n, session, beginLine)
		case isBegin && b.Found:
			return b, fmt.Errorf("%s: line %d: a second aws-vault sso sync block of %s; remove one by hand", path, n, session)
		case isBegin:
			beginLine, b.Start = n, off
			b.Sections = map[string]string{}
		case isEnd && beginLine == 0:
			return b, fmt.Errorf("%s: line %d: an END marker of the aws-vault sso sync block of %s without its BEGIN; repair the file by hand", path, n, session)
		case isEnd:
			flush()
			b.Found, b.End, beginLine = true, next, 0
		case beginLine != 0:
			switch {
			case strings.HasPrefix(trimmed, BlockOptionsPrefix):
				b.Options = strings.TrimSpace(strings.TrimPrefix(trimmed, BlockOptionsPrefix))
			case strings.HasPrefix(trimmed, "[profile ") && strings.HasSuffix(trimmed, "]"):
				flush()
				curName = strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(trimmed, "[profile "), "]"))
				cur = &strings.Builder{}
				cur.WriteString(line + "\n")
			case strings.HasPrefix(trimmed, "["):
				flush()
			case cur != nil && trimmed != "":
				cur.WriteString(line + "\n")
			}
		}
		off = next
	}
	if beginLine != 0 {
		return b, fmt.Errorf("%s: line %d: the aws-vault sso sync block of %s has no END marker; repair the file by hand", path, beginLine, session)
	}
	return b, nil
}

// SectionsOf returns the profiles of a rendered block's text by name, as
// FindSSOBlock records them.
func (b *SSOBlock) SectionsOf() map[string]string {
	out := map[string]string{}
	for _, p := range b.Profiles {
		out[p.Name] = p.section()
	}
	return out
}

// ReplaceSSOBlock returns data with session's block replaced by text, or
// with text appended (after a blank line) when there is none yet.
func ReplaceSSOBlock(data []byte, old ExistingBlock, text string) []byte {
	if old.Found {
		out := make([]byte, 0, len(data)-(old.End-old.Start)+len(text))
		out = append(out, data[:old.Start]...)
		out = append(out, text...)
		return append(out, data[old.End:]...)
	}
	out := append([]byte(nil), data...)
	if len(out) > 0 && out[len(out)-1] != '\n' {
		out = append(out, '\n')
	}
	if len(out) > 0 && !bytes.HasSuffix(out, []byte("\n\n")) {
		out = append(out, '\n')
	}
	return append(out, text...)
}

// WriteFileAtomic replaces path with data: a reader sees the old file or
// the new one, never a part. The file keeps its mode (new files: 0600);
// its directory is created when missing. A symbolic link (a config kept in
// a dotfiles repository) stays one: its target is replaced.
func WriteFileAtomic(path string, data []byte) error {
	if target, err := filepath.EvalSymlinks(path); err == nil {
		path = target
	}
	mode := os.FileMode(0o600)
	if fi, err := os.Stat(path); err == nil {
		mode = fi.Mode().Perm()
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".aws-vault-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), mode); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
