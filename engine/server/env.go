package server

import (
	"sort"

	"github.com/aws-vault/aws-vault/engine"
)

// credentialVars are the variables that would hand a command credentials
// around the server, or point its SDK at another credential source.
var credentialVars = []string{
	"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_CREDENTIAL_EXPIRATION",
	"AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
	"AWS_CONTAINER_AUTHORIZATION_TOKEN", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
	"AWS_EC2_METADATA_DISABLED",
}

// ChildEnv is the environment change for a command whose credentials come
// from a server: AWS_VAULT, the region variables, and vars (the server's
// own, such as ECS.Env); every variable that holds credentials or points
// elsewhere is removed, as are those exec always removes.
func ChildEnv(profile, region string, vars map[string]string) *engine.Env {
	set := map[string]string{"AWS_VAULT": profile}
	unset := append(append([]string{engine.LoadedByVar}, engine.Shadowing...), credentialVars...)
	if region != "" {
		set["AWS_REGION"] = region
		set["AWS_DEFAULT_REGION"] = region
	} else {
		unset = append(unset, "AWS_REGION", "AWS_DEFAULT_REGION")
	}
	for k, v := range vars {
		set[k] = v
	}
	out := &engine.Env{Set: set}
	seen := map[string]bool{}
	for _, k := range unset {
		if _, ok := set[k]; !ok && !seen[k] {
			seen[k] = true
			out.Unset = append(out.Unset, k)
		}
	}
	sort.Strings(out.Unset)
	return out
}
