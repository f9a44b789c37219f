package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
)

// startupCost lists packages that must not be linked into aws-vault, because
// their package initialisation runs at every start of every command (a
// prompt hook, a credential_process call), each with the reason. A
// dependency upgrade that brings one in fails TestNoStartupCostlyPackages;
// go.mod says which pins this keeps and how to re-check them.
var startupCost = []struct {
	pattern *regexp.Regexp
	why     string
}{
	{
		regexp.MustCompile(`^github\.com/aws/aws-sdk-go-v2/.*/schemas$`),
		"the SDK's generated Smithy schemas (sts v1.52, iam v1.65, sso v1.39, ssooidc v1.44 and later) " +
			"build a schema for every shape at initialisation: about 1 ms for sts and 4 ms for iam at every start " +
			"(GODEBUG=inittrace=1); keep the service modules at the pins in go.mod",
	},
}

// TestNoStartupCostlyPackages checks the binary's dependency graph, for
// every platform it is released for, against startupCost.
func TestNoStartupCostlyPackages(t *testing.T) {
	goBin := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(goBin); err != nil {
		t.Skipf("no go command to list the dependencies with: %v", err)
	}
	for _, target := range []struct{ goos, cgo string }{{"linux", "0"}, {"darwin", "1"}, {"windows", "0"}, {"freebsd", "0"}} {
		cmd := exec.Command(goBin, "list", "-deps", "-f", "{{.ImportPath}}", ".")
		cmd.Env = append(os.Environ(), "GOOS="+target.goos, "CGO_ENABLED="+target.cgo)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("go list -deps for %s: %v", target.goos, err)
		}
		pkgs := strings.Fields(string(out))
		if len(pkgs) < 100 {
			t.Fatalf("go list -deps for %s listed only %d packages: %q", target.goos, len(pkgs), out)
		}
		for _, p := range pkgs {
			for _, c := range startupCost {
				if c.pattern.MatchString(p) {
					t.Errorf("%s: aws-vault links %s: %s", target.goos, p, c.why)
				}
			}
		}
	}
}
