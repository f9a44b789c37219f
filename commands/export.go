package commands

import (
	"fmt"
	"strings"
	"time"

	"mvdan.cc/sh/v3/syntax"

	"github.com/aws-vault/aws-vault/engine"
)

// ExportCmd prints credentials in a chosen format.
type ExportCmd struct {
	SessionFlags `embed:""`

	Format  string `default:"env" enum:"env,export-env,json,ini" help:"Format to output credentials. Valid values: env, export-env, json, ini."`
	Profile string `arg:"" help:"Name of the profile." predictor:"profile"`
}

// Run prints the credentials.
func (c *ExportCmd) Run(a *App) error {
	_, res, err := a.Credentials(c.SessionFlags, c.Profile)
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

func writeINI(a *App, res *engine.Result) error {
	var b strings.Builder
	fmt.Fprintf(&b, "[%s]\n", res.Profile.Name)
	fmt.Fprintf(&b, "aws_access_key_id=%s\n", res.Credentials.AccessKeyID)
	fmt.Fprintf(&b, "aws_secret_access_key=%s\n", res.Credentials.SecretAccessKey)
	if res.Credentials.SessionToken != "" {
		fmt.Fprintf(&b, "aws_session_token=%s\n", res.Credentials.SessionToken)
	}
	if res.Region != "" {
		fmt.Fprintf(&b, "region=%s\n", res.Region)
	}
	_, err := a.Stdout.Write([]byte(b.String()))
	return err
}
