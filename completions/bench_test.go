package completions_test

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws-vault/aws-vault/commands"
)

// BenchmarkMain measures, inside one process, what aws-vault does for a
// completion of a partial profile name on a config of 1,000 profiles, next
// to what it does for --version (building the command model), so that the
// cost of completion itself shows apart from process start-up (which
// bench/completion.sh includes).
func BenchmarkMain(b *testing.B) {
	dir := b.TempDir()
	var cfg strings.Builder
	cfg.WriteString("[default]\nregion = us-east-1\n")
	for i := 1; i <= 1000; i++ {
		fmt.Fprintf(&cfg, "[profile team%d.app_%d]\nsource_profile = root\nrole_arn = arn:aws:iam::%012d:role/Dev\n\n", i, i, i)
	}
	config := filepath.Join(dir, "config")
	if err := os.WriteFile(config, []byte(cfg.String()), 0o600); err != nil {
		b.Fatal(err)
	}
	env := []string{"HOME=" + dir, "AWS_CONFIG_FILE=" + config, "AWS_VAULT_BACKEND=file"}
	line := "aws-vault exec team12"
	for _, bc := range []struct {
		name string
		args []string
		env  []string
	}{
		{"version", []string{"--version"}, env},
		{"complete-profile", nil, append(env, "COMP_LINE="+line, fmt.Sprintf("COMP_POINT=%d", len(line)))},
		{"complete-command", nil, append(env, "COMP_LINE=aws-vault ex", "COMP_POINT=12")},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				if code := commands.Main(bc.args, nil, io.Discard, io.Discard, bc.env); code != 0 {
					b.Fatalf("exit status %d", code)
				}
			}
		})
	}
}
