package engine

import (
	"context"
	"maps"
	"slices"
	"sort"
	"time"
)

// Shadowing are the variables that would override or confuse the
// credentials aws-vault sets, so they are removed. The original's exec
// removes all but AWS_SESSION_EXPIRATION (AWS_CREDENTIAL_FILE points older
// tools at a credentials file of their own).
var Shadowing = []string{"AWS_CREDENTIAL_FILE", "AWS_DEFAULT_PROFILE", "AWS_PROFILE", "AWS_SDK_LOAD_CONFIG", "AWS_SECURITY_TOKEN", "AWS_SESSION_EXPIRATION"}

// LoadedByVar marks credentials that the shell integration put into a
// shell (aws-vault env, or a directory's .awsprofile): its value is "env" or
// the .awsprofile's path. A shell where AWS_VAULT is set without it is one
// that aws-vault exec started, where exec refuses to nest. Processes that
// exec starts never get it.
const LoadedByVar = "AWS_VAULT_LOADED_BY"

// Env is a change to the environment: variables to set, and to unset.
type Env struct {
	Set   map[string]string
	Unset []string // sorted
}

// Keys returns the names to set, sorted.
func (e *Env) Keys() []string {
	return slices.Sorted(maps.Keys(e.Set))
}

// EnvNames are every variable EnvFor sets or unsets, sorted.
func EnvNames() []string {
	names := append([]string{"AWS_VAULT", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
		"AWS_CREDENTIAL_EXPIRATION", "AWS_REGION", "AWS_DEFAULT_REGION", LoadedByVar}, Shadowing...)
	slices.Sort(names)
	return names
}

// Env returns what exec (and env) put into a process's environment for
// profile name.
func (e *Engine) Env(ctx context.Context, name string) (*Env, *Result, error) {
	r, err := e.Credentials(ctx, name)
	if err != nil {
		return nil, nil, err
	}
	return EnvFor(r), r, nil
}

// EnvFor renders a result as environment variables.
func EnvFor(r *Result) *Env {
	env := &Env{Set: map[string]string{
		"AWS_VAULT":             r.Profile.Name,
		"AWS_ACCESS_KEY_ID":     r.Credentials.AccessKeyID,
		"AWS_SECRET_ACCESS_KEY": r.Credentials.SecretAccessKey,
	}}
	unset := append([]string{LoadedByVar}, Shadowing...)
	if r.Region != "" {
		env.Set["AWS_REGION"] = r.Region
		env.Set["AWS_DEFAULT_REGION"] = r.Region
	} else {
		unset = append(unset, "AWS_REGION", "AWS_DEFAULT_REGION")
	}
	if r.Credentials.SessionToken != "" {
		env.Set["AWS_SESSION_TOKEN"] = r.Credentials.SessionToken
	} else {
		unset = append(unset, "AWS_SESSION_TOKEN")
	}
	if r.Credentials.CanExpire {
		env.Set["AWS_CREDENTIAL_EXPIRATION"] = r.Credentials.Expires.UTC().Format(time.RFC3339)
	} else {
		unset = append(unset, "AWS_CREDENTIAL_EXPIRATION")
	}
	sort.Strings(unset)
	env.Unset = unset
	return env
}
