package config

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"strings"
)

// ScanProfileNames returns what Load(path).ProfileNames() returns, reading
// only the section headers. It serves list --profiles and completion, which
// run on every keystroke and need no values: ini.v1 builds every key and
// compares each new section with all earlier ones, which on 1,000 profiles
// costs more than the rest of the command. Anything it is not sure of (keys
// before the first section, an unclosed header, text after a header) makes
// it fall back to the full parse, so errors are reported the same way.
func ScanProfileNames(path string) ([]string, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if names, ok := scanProfileNames(data); ok {
		return names, nil
	}
	f, err := Parse(path, data)
	if err != nil {
		return nil, err
	}
	return f.ProfileNames(), nil
}

func scanProfileNames(data []byte) ([]string, bool) {
	var names []string
	seen := map[string]bool{}
	inSection, inDefault, defaultHasKeys, defaultListed := false, false, false, -1
	for len(data) > 0 {
		var line []byte
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			line, data = data, nil
		}
		line = bytes.TrimSpace(line)
		if len(line) == 0 || line[0] == '#' || line[0] == ';' {
			continue
		}
		if line[0] != '[' {
			if !inSection || bytes.IndexAny(line, "=:") < 0 {
				return nil, false // not key = value: let the parser say what is wrong
			}
			if inDefault {
				defaultHasKeys = true
			}
			continue
		}
		end := bytes.IndexByte(line, ']')
		if end < 0 || bytes.LastIndexByte(line, ']') != end {
			return nil, false
		}
		if rest := bytes.TrimSpace(line[end+1:]); len(rest) > 0 && rest[0] != '#' && rest[0] != ';' {
			return nil, false
		}
		inSection = true
		name := strings.TrimSpace(string(line[1:end]))
		inDefault = false
		if name == "profile" {
			return nil, false // "[profile ]": the parser reports it
		}
		switch {
		case name == defaultSection || name == profilePrefix+defaultSection:
			inDefault = true
			name = defaultSection
		case strings.HasPrefix(name, profilePrefix):
			name = strings.TrimSpace(strings.TrimPrefix(name, profilePrefix))
			if name == "" {
				return nil, false
			}
		default:
			continue
		}
		if !seen[name] {
			seen[name] = true
			if name == defaultSection {
				defaultListed = len(names)
			}
			names = append(names, name)
		}
	}
	if defaultListed >= 0 && !defaultHasKeys {
		names = append(names[:defaultListed], names[defaultListed+1:]...)
	}
	return names, true
}
