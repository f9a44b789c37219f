package commands

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestMain lets the test binary act as aws-vault inside testscript files,
// so end-to-end tests run the real command line in a temporary HOME.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"aws-vault": func() { os.Exit(Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Environ())) },
	})
}

func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: filepath.Join("testdata", "script"),
		Setup: func(env *testscript.Env) error {
			home := env.WorkDir
			env.Setenv("HOME", home)
			env.Setenv("AWS_VAULT_BACKEND", "file")
			env.Setenv("AWS_VAULT_FILE_PASSPHRASE", "test passphrase")
			env.Setenv("AWS_VAULT_FILE_DIR", filepath.Join(home, ".awsvault", "keys"))
			env.Setenv("AWS_CONFIG_FILE", filepath.Join(home, ".aws", "config"))
			for _, k := range []string{"AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_VAULT"} {
				env.Setenv(k, "")
			}
			return nil
		},
		RequireExplicitExec: true,
	})
}
