package commands

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/aws-vault/aws-vault/engine/keyring"
)

// MigrateBackendCmd moves stored credentials (and, if asked, sessions)
// from one keyring backend to another; see engine/keyring/migrate.go for
// the rules that keep it from losing anything.
type MigrateBackendCmd struct {
	From         string   `placeholder:"BACKEND" predictor:"backend"`
	To           string   `required:"" placeholder:"BACKEND" predictor:"backend"`
	Profile      []string `placeholder:"PROFILE" predictor:"credentials"`
	Sessions     bool     `negatable:""`
	DryRun       bool     `negatable:""`
	Yes          bool     `short:"y" negatable:""`
	Overwrite    bool     `negatable:""`
	DeleteSource bool     `negatable:""`
}

// migrateBackendHelp is the help of MigrateBackendCmd's flags and arguments (see helpTable).
var migrateBackendHelp = helpTable{
	"from":          "Source backend (default: the backend aws-vault uses now).",
	"to":            "Target backend.",
	"profile":       "Migrate only this profile (repeatable).",
	"sessions":      "Also migrate cached sessions and SSO tokens.",
	"dry-run":       "Show what would be migrated without writing anything.",
	"yes":           "Migrate without asking for confirmation.",
	"overwrite":     "Replace items the target already holds with other data.",
	"delete-source": "Delete the items from the source once they are copied and verified.",
}

func (*MigrateBackendCmd) flagHelp() []helpTable { return []helpTable{migrateBackendHelp} }

// Run plans, asks, and migrates.
func (c *MigrateBackendCmd) Run(a *App) error {
	from := c.From
	if from == "" {
		b, err := a.Keyring().Backend()
		if err != nil {
			return err
		}
		from = b
	}
	if err := keyring.Unavailable(from); err != nil {
		return fmt.Errorf("--from %w", err)
	}
	if err := keyring.Unavailable(c.To); err != nil {
		return fmt.Errorf("--to %w", err)
	}
	src, dst := a.keyringFor(from), a.keyringFor(c.To)
	opts := keyring.MigrateOptions{Profiles: c.Profile, Sessions: c.Sessions, Overwrite: c.Overwrite,
		DeleteSource: c.DeleteSource, JournalDir: migrateJournalDir(a.Getenv), Progress: a.Stdout}
	plan, err := keyring.PlanMigration(src, dst, opts)
	if err != nil {
		return err
	}
	fmt.Fprint(a.Stdout, plan)
	if len(plan.Steps) == 0 {
		return nil
	}
	if c.DryRun {
		fmt.Fprintln(a.Stdout, "Dry run: nothing was changed.")
		return nil
	}
	if !c.Yes {
		if !a.Terminal().IsTerminal() {
			fmt.Fprintln(a.Stdout, "Nothing was changed: run again with --yes to migrate.")
			return nil
		}
		q := fmt.Sprintf("Copy these items from %s to %s?", plan.From, plan.To)
		if c.DeleteSource {
			q = fmt.Sprintf("Copy these items from %s to %s, verify them, and then delete them from %s?", plan.From, plan.To, plan.From)
		}
		ok, err := a.Terminal().Confirm(q)
		if err != nil {
			return err
		}
		if !ok {
			return &ExitError{Code: 1, Err: errors.New("nothing was changed")}
		}
	}
	res, err := keyring.Migrate(src, dst, plan, opts)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.Stdout, "Migrated from %s to %s: %d copied and verified, %d already there, %d deleted from %s.\n",
		plan.From, plan.To, res.Copied, res.Present, res.Deleted, plan.From)
	return nil
}

// migrateJournalDir is where a migration under way keeps its journal:
// $XDG_STATE_HOME/aws-vault, else ~/.local/state/aws-vault.
func migrateJournalDir(getenv func(string) string) string {
	if d := getenv("XDG_STATE_HOME"); d != "" {
		return filepath.Join(d, "aws-vault")
	}
	home := getenv("HOME")
	if home == "" {
		home, _ = os.UserHomeDir()
	}
	return filepath.Join(home, ".local", "state", "aws-vault")
}
