package commands

import (
	"fmt"
	"strings"
	"time"

	"gopkg.in/ini.v1"
	"mvdan.cc/sh/v3/syntax"

	"github.com/aws-vault/aws-vault/engine"
)

// ExportCmd prints credentials in a chosen format.
type ExportCmd struct {
	SessionFlags `embed:""`

	Format  string `default:"env" enum:"env,export-env,json,ini"`
	Stdout  bool   `name:"stdout" env:"AWS_VAULT_STDOUT" negatable:""`
	Profile string `arg:"" predictor:"profile"`
}

// exportHelp is the help of ExportCmd's flags and arguments (see helpTable).
var exportHelp = helpTable{
	"format":  "Format to output credentials. Valid values: env, export-env, json, ini.",
	"stdout":  "IAM Identity Center: show the sign-in URL and do not open a browser.",
	"profile": "Name of the profile.",
}

func (*ExportCmd) flagHelp() []helpTable { return []helpTable{exportHelp, sessionFlagsHelp} }

// Run prints the credentials.
func (c *ExportCmd) Run(a *App) error {
	flags := c.SessionFlags
	flags.NoBrowser = c.Stdout
	_, res, err := a.Credentials(flags, c.Profile)
	if err != nil {
		return err
	}
	switch c.Format {
	case "json":
		return writeProcessJSON(a, res)
	case "ini":
		return writeINI(a, res)
	}
	prefix := ""
	if c.Format == "export-env" {
		prefix = "export "
	}
	var b strings.Builder
	for _, v := range exportVars(res) {
		q, err := envValue(v[1])
		if err != nil {
			return fmt.Errorf("cannot write the value of %s for sh: %w", v[0], err)
		}
		fmt.Fprintf(&b, "%s%s=%s\n", prefix, v[0], q)
	}
	_, err = a.Stdout.Write([]byte(b.String()))
	return err
}

// exportVars are the variables export prints, in the original's order:
// no AWS_VAULT, so that an exec after eval-ing them is not refused.
func exportVars(res *engine.Result) [][2]string {
	c := res.Credentials
	vars := [][2]string{{"AWS_ACCESS_KEY_ID", c.AccessKeyID}, {"AWS_SECRET_ACCESS_KEY", c.SecretAccessKey}}
	if c.SessionToken != "" {
		vars = append(vars, [2]string{"AWS_SESSION_TOKEN", c.SessionToken})
	}
	if c.CanExpire {
		vars = append(vars, [2]string{"AWS_CREDENTIAL_EXPIRATION", c.Expires.UTC().Format(time.RFC3339)})
	}
	if res.Region != "" {
		vars = append(vars, [2]string{"AWS_REGION", res.Region}, [2]string{"AWS_DEFAULT_REGION", res.Region})
	}
	return vars
}

// envValue writes v bare when no shell would change it as the value of an
// assignment (or of an export argument), so that docker --env-file, which
// takes everything after the first '=' literally, reads the same value as
// sh; anything else is quoted for POSIX sh. syntax.Quote leaves some
// characters bare that an interactive shell may still change ('!' in bash,
// '^' in zsh), and bytes outside ASCII that depend on the locale; those
// values are single-quoted too.
func envValue(v string) (string, error) {
	if bareValue(v) {
		return v, nil
	}
	q, err := syntax.Quote(v, syntax.LangPOSIX)
	if err == nil && q == v {
		q = "'" + v + "'" // v has no ', or Quote would have quoted it
	}
	return q, err
}

// bareValue reports whether v consists of letters, digits and _ / + . , :
// @ % - only, plus '=' where zsh does not expand =cmd: not at the start of
// the value and not after a ':'. Left out, among others: white space and
// the characters that quote, expand, glob, brace-expand, redirect or end a
// command, '~' (tilde expansion, also after ':'), '#', '!' and '^'.
func bareValue(v string) bool {
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case strings.IndexByte("_/+.,:@%-", c) >= 0:
		case c == '=' && i > 0 && v[i-1] != ':':
		default:
			return false
		}
	}
	return true
}

// writeINI prints a credentials-file section as the original does (with
// gopkg.in/ini.v1, unpretty): keys in its order, an empty value left out,
// the expiry in RFC 3339 (UTC) when the credentials have one.
//
// Unlike the original, it refuses a value (or profile name) with a line
// break or another control character: ini.v1 would wrap it in """, which
// the AWS CLI and SDKs do not read, so a value could add lines (keys,
// sections) of its own to the file it is written into. The output is also
// read back with ini.v1 and must give the same section and values.
func writeINI(a *App, res *engine.Result) error {
	c := res.Credentials
	name := res.Profile.Name
	if bad := controlChar(name); bad >= 0 || strings.ContainsAny(name, "[]") {
		return fmt.Errorf("cannot write profile %q as an ini section: its name holds a control character or a bracket", name)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "[%s]\n", name)
	var keys, values []string
	key := func(k, v string) error {
		if v == "" {
			return nil
		}
		if controlChar(v) >= 0 {
			return fmt.Errorf("cannot write the value of %s in ini: it holds a line break or another control character, which could add lines to the file", k)
		}
		fmt.Fprintf(&b, "%s=%s\n", k, iniValue(v))
		keys, values = append(keys, k), append(values, v)
		return nil
	}
	for _, kv := range [][2]string{
		{"aws_access_key_id", c.AccessKeyID},
		{"aws_secret_access_key", c.SecretAccessKey},
		{"aws_session_token", c.SessionToken},
	} {
		if err := key(kv[0], kv[1]); err != nil {
			return err
		}
	}
	if c.CanExpire {
		_ = key("aws_credential_expiration", c.Expires.UTC().Format(time.RFC3339))
	}
	if err := key("region", res.Region); err != nil {
		return err
	}
	if err := sameINI(b.String(), name, keys, values); err != nil {
		return err
	}
	_, err := a.Stdout.Write([]byte(b.String()))
	return err
}

// controlChar is the index of the first control character (C0, DEL) in
// s, or -1.
func controlChar(s string) int {
	return strings.IndexFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f })
}

// sameINI checks that text reads back as one section name with exactly
// keys = values.
func sameINI(text, name string, keys, values []string) error {
	f, err := ini.Load([]byte(text))
	if err == nil {
		secs := f.SectionStrings()
		if len(secs) != 2 || secs[1] != name || len(f.Section(name).Keys()) != len(keys) {
			err = fmt.Errorf("it reads back as sections %q", secs)
		}
	}
	for i, k := range keys {
		if err == nil && f.Section(name).Key(k).String() != values[i] {
			err = fmt.Errorf("%s does not read back as written", k)
		}
	}
	if err != nil {
		return fmt.Errorf("cannot write the credentials of %s as ini: %w", name, err)
	}
	return nil
}

// iniValue quotes v as ini.v1 writes it: """ around a value with a newline
// or a backquote, ` around one with '#' or ';' (else read as a comment),
// " around one with white space at either end.
func iniValue(v string) string {
	switch {
	case strings.ContainsAny(v, "\n`"):
		return `"""` + v + `"""`
	case strings.ContainsAny(v, "#;"):
		return "`" + v + "`"
	case len(strings.TrimSpace(v)) != len(v):
		return `"` + v + `"`
	}
	return v
}
