package shells

import (
	"bytes"
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

// JSON renders p for a shell that cannot evaluate code (nushell, elvish)
// and for editors and other tools (aws-vault env --format json). Its
// fields are applied in the order they are written:
//
//	{
//	  "restore": {"AWS_VAULT": null},   first apply the kept environment
//	                                    (and forget it), or with none kept,
//	                                    this; absent: no restore
//	  "env": {                          then the environment, in the shape
//	    "AWS_VAULT": "work",            of direnv's "export json": a value
//	    "AWS_PROFILE": null             to set, or null to unset
//	  },
//	  "save": {"AWS_PROFILE": "mine"},  keep this (same shape) as the
//	                                    environment to restore, unless one
//	                                    is kept; absent: nothing to keep
//	  "local": {"_aws_vault_pwd": "/src", "_aws_vault_allow": null},
//	                                    the integration's own variables,
//	                                    never exported; null removes
//	  "status": 0                       1 when the command failed
//	}
//
// Names are checked as for code (ValidName), and a value with a NUL byte or
// invalid UTF-8, which JSON cannot carry exactly, is a *QuoteError.
func JSON(p Plan) (string, error) {
	var doc struct {
		Restore map[string]*string `json:"restore,omitempty"`
		Env     map[string]*string `json:"env"`
		Save    map[string]*string `json:"save,omitempty"`
		Local   map[string]*string `json:"local,omitempty"`
		Status  int                `json:"status"`
	}
	var err error
	if p.Restore != nil {
		if doc.Restore, err = jsonChange(*p.Restore); err != nil {
			return "", err
		}
		if doc.Restore == nil {
			doc.Restore = map[string]*string{}
		}
	}
	if doc.Env, err = jsonChange(p.Env); err != nil {
		return "", err
	}
	if doc.Env == nil {
		doc.Env = map[string]*string{}
	}
	if p.Save != nil {
		if doc.Save, err = jsonChange(*p.Save); err != nil {
			return "", err
		}
		if doc.Save == nil {
			doc.Save = map[string]*string{}
		}
	}
	for name, v := range p.Local {
		if !ValidName(name) {
			return "", fmt.Errorf("shells: invalid variable name %q", name)
		}
		if v != nil {
			if err := jsonValue(*v); err != nil {
				return "", fmt.Errorf("shells: value of %s: %w", name, err)
			}
		}
	}
	doc.Local = p.Local
	if p.Fail {
		doc.Status = 1
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		return "", err
	}
	return b.String(), nil
}

// jsonChange is c as a name → value-or-null object (nil for an empty c).
func jsonChange(c Change) (map[string]*string, error) {
	if len(c.Set) == 0 && len(c.Unset) == 0 {
		return nil, nil
	}
	m := make(map[string]*string, len(c.Set)+len(c.Unset))
	for name, v := range c.Set {
		if !ValidName(name) {
			return nil, fmt.Errorf("shells: invalid environment variable name %q", name)
		}
		if err := jsonValue(v); err != nil {
			return nil, fmt.Errorf("shells: value of %s: %w", name, err)
		}
		m[name] = Value(v)
	}
	for _, name := range c.Unset {
		if !ValidName(name) {
			return nil, fmt.Errorf("shells: invalid environment variable name %q", name)
		}
		if _, ok := c.Set[name]; ok {
			return nil, fmt.Errorf("shells: variable %s is both set and unset", name)
		}
		m[name] = nil
	}
	return m, nil
}

func jsonValue(s string) error {
	if err := NULError(s); err != nil {
		return err
	}
	if !utf8.ValidString(s) {
		for i := 0; i < len(s); {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				return &QuoteError{Offset: i, Reason: ReasonInvalidUTF8}
			}
			i += size
		}
	}
	return nil
}
