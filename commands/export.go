package commands

import (
	"fmt"
	"strings"

	"mvdan.cc/sh/v3/syntax"

	"github.com/aws-vault/aws-vault/engine"
)

// ExportCmd prints credentials in a chosen format.
type ExportCmd struct {
	SessionFlags `embed:""`

	Format  string `default:"env" enum:"env,export-env,json,ini" help:"Format to output credentials. Valid values: env, export-env, json, ini."`
	Stdout  bool   `name:"stdout" env:"AWS_VAULT_STDOUT" help:"IAM Identity Center: show the sign-in URL and do not open a browser." negatable:""`
	Profile string `arg:"" help:"Name of the profile." predictor:"profile"`
}

// Run prints the credentials.
func (c *ExportCmd) Run(a *App) error {
	flags := c.SessionFlags
	flags.NoBrowser = c.Stdout
	env, res, err := a.Credentials(flags, c.Profile)
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
	for _, k := range env.Keys() {
		// Quoted for POSIX sh, unlike the original, so eval is safe.
		q, err := syntax.Quote(env.Set[k], syntax.LangPOSIX)
		if err != nil {
			return fmt.Errorf("cannot quote the value of %s: %w", k, err)
		}
		fmt.Fprintf(&b, "%s%s=%s\n", prefix, k, q)
	}
	_, err = a.Stdout.Write([]byte(b.String()))
	return err
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
