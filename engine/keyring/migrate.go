package keyring

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Moving items from one backend to another (migrate-backend). The rules
// that keep it safe:
//
//   - an item is copied, then read back from the target and compared
//     byte for byte with the source before it counts as copied;
//   - nothing is deleted from the source (only with DeleteSource) until
//     every item is copied and verified, and each item is verified once
//     more just before its deletion;
//   - an item the target already holds with the same data counts as
//     copied, so a run that was interrupted is resumed by running it
//     again; a journal file names the item being written when it
//     stopped, so that a half-written copy is replaced rather than taken
//     for a conflict;
//   - a target item with other data is a conflict: left alone unless
//     Overwrite.

// MigrateOptions choose what to move.
type MigrateOptions struct {
	Profiles     []string // only these profiles' items; none means all
	Sessions     bool     // also cached sessions and SSO tokens
	Overwrite    bool     // replace target items that differ
	DeleteSource bool     // remove from the source once verified
	// JournalDir holds the journal of a migration under way.
	JournalDir string
	Progress   io.Writer
}

// MigrateStep is what happens to one item.
type MigrateStep struct {
	Key    string
	Kind   string // credentials, session, sso token
	Action string // copy, overwrite, present (same data in the target), conflict
}

// MigratePlan lists the steps of a migration.
type MigratePlan struct {
	From, To string
	Steps    []MigrateStep
	// Resuming is set when a journal of an interrupted run was found.
	Resuming *MigrateJournal
}

// MigrateJournal records a migration under way.
type MigrateJournal struct {
	From    string    `json:"from"`
	To      string    `json:"to"`
	Started time.Time `json:"started"`
	Writing string    `json:"writing,omitempty"`
	Copied  []string  `json:"copied,omitempty"`
	Deleted []string  `json:"deleted,omitempty"`
}

func journalPath(dir, from, to string) string {
	return filepath.Join(dir, fmt.Sprintf("migrate-%s-to-%s.json", from, to))
}

func readJournal(path string) (*MigrateJournal, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var j MigrateJournal
	if err := json.Unmarshal(data, &j); err != nil {
		return nil, fmt.Errorf("the migration journal %s is damaged (%v); remove it and run again", path, err)
	}
	return &j, nil
}

func writeJournal(path string, j *MigrateJournal) error {
	data, err := json.MarshalIndent(j, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	return replaceFile(path, filepath.Base(path)+".*.tmp", data)
}

func itemKind(key string) (string, bool) {
	if _, ok := ParseSessionKey(key); ok {
		return "session", true
	}
	if _, ok := ParseOIDCTokenKey(key); ok {
		return "sso token", true
	}
	if IsCredentialsKey(key) {
		return "credentials", true
	}
	return "", false
}

func (o MigrateOptions) wants(key string) (string, bool) {
	kind, ok := itemKind(key)
	if !ok || (kind != "credentials" && !o.Sessions) {
		return "", false
	}
	if len(o.Profiles) == 0 {
		return kind, true
	}
	profile := key
	if s, ok := ParseSessionKey(key); ok {
		profile = s.ProfileName
	} else if kind != "credentials" {
		return "", false
	}
	return kind, contains(o.Profiles, profile)
}

// PlanMigration reads both backends and says what a migration would do.
func PlanMigration(src, dst *Keyring, o MigrateOptions) (*MigratePlan, error) {
	from, err := src.Backend()
	if err != nil {
		return nil, fmt.Errorf("source: %w", err)
	}
	to, err := dst.Backend()
	if err != nil {
		return nil, fmt.Errorf("target: %w", err)
	}
	if from == to {
		return nil, fmt.Errorf("the source and the target are both %q", from)
	}
	plan := &MigratePlan{From: from, To: to}
	if o.JournalDir != "" {
		if plan.Resuming, err = readJournal(journalPath(o.JournalDir, from, to)); err != nil {
			return nil, err
		}
	}
	keys, err := src.Keys()
	if err != nil {
		return nil, fmt.Errorf("source: %w", err)
	}
	for _, p := range o.Profiles {
		if !contains(keys, p) {
			return nil, fmt.Errorf("profile %q has no credentials in the source backend %q", p, from)
		}
	}
	dstKeys, err := dst.Keys()
	if err != nil {
		return nil, fmt.Errorf("target: %w", err)
	}
	for _, key := range keys {
		kind, ok := o.wants(key)
		if !ok {
			continue
		}
		step := MigrateStep{Key: key, Kind: kind, Action: "copy"}
		if contains(dstKeys, key) {
			same, err := sameItem(src, dst, key)
			switch {
			case err != nil:
				return nil, err
			case same:
				step.Action = "present"
			case plan.Resuming != nil && plan.Resuming.Writing == key, o.Overwrite:
				step.Action = "overwrite"
			default:
				step.Action = "conflict"
			}
		}
		plan.Steps = append(plan.Steps, step)
	}
	return plan, nil
}

// sameItem reports whether the target holds key with the source's data. A
// target item that cannot be read counts as different.
func sameItem(src, dst *Keyring, key string) (bool, error) {
	a, err := src.Get(key)
	if err != nil {
		return false, fmt.Errorf("source: %w", err)
	}
	b, err := dst.Get(key)
	var wrong *WrongPassphraseError
	if errors.As(err, &wrong) {
		return false, fmt.Errorf("target: %w", err)
	}
	if err != nil {
		return false, nil
	}
	return bytes.Equal(a.Data, b.Data), nil
}

// Conflicts lists the steps that stop a migration.
func (p *MigratePlan) Conflicts() []string {
	var out []string
	for _, s := range p.Steps {
		if s.Action == "conflict" {
			out = append(out, s.Key)
		}
	}
	return out
}

// MigrateResult counts what a migration did.
type MigrateResult struct {
	Copied, Present, Deleted int
}

// Migrate carries out plan. On any failure it stops, with everything
// copied so far verified and nothing unverified deleted; running it again
// resumes.
func Migrate(src, dst *Keyring, plan *MigratePlan, o MigrateOptions) (MigrateResult, error) {
	var res MigrateResult
	progress := o.Progress
	if progress == nil {
		progress = io.Discard
	}
	if c := plan.Conflicts(); len(c) > 0 {
		return res, fmt.Errorf("the target %q already holds other data for %s: nothing was changed; use --overwrite to replace them", plan.To, quoteList(c))
	}
	jpath := ""
	journal := plan.Resuming
	if journal == nil {
		journal = &MigrateJournal{From: plan.From, To: plan.To, Started: time.Now().UTC()}
	}
	if o.JournalDir != "" {
		jpath = journalPath(o.JournalDir, plan.From, plan.To)
	}
	save := func() error {
		if jpath == "" {
			return nil
		}
		if err := writeJournal(jpath, journal); err != nil {
			return fmt.Errorf("writing the migration journal %s: %w", jpath, err)
		}
		return nil
	}
	for _, s := range plan.Steps {
		if s.Action == "present" {
			res.Present++
			fmt.Fprintf(progress, "%s %q: already in %s, same data\n", s.Kind, s.Key, plan.To)
			continue
		}
		item, err := src.Get(s.Key)
		if err != nil {
			return res, fmt.Errorf("reading %q from %s: %w", s.Key, plan.From, err)
		}
		journal.Writing = s.Key
		if err := save(); err != nil {
			return res, err
		}
		if err := dst.Set(item); err != nil {
			return res, fmt.Errorf("writing %q to %s: %w (nothing was deleted; run again to resume)", s.Key, plan.To, err)
		}
		back, err := dst.Get(s.Key)
		if err != nil || !bytes.Equal(back.Data, item.Data) {
			if err == nil {
				err = errors.New("it reads back different")
			}
			return res, fmt.Errorf("verifying %q in %s: %w (nothing was deleted)", s.Key, plan.To, err)
		}
		journal.Writing = ""
		journal.Copied = append(journal.Copied, s.Key)
		if err := save(); err != nil {
			return res, err
		}
		res.Copied++
		fmt.Fprintf(progress, "%s %q: copied to %s and verified\n", s.Kind, s.Key, plan.To)
	}
	if o.DeleteSource {
		for _, s := range plan.Steps {
			same, err := sameItem(src, dst, s.Key)
			if err != nil {
				return res, err
			}
			if !same {
				return res, fmt.Errorf("%q in %s no longer matches %s: it was not deleted from %s", s.Key, plan.To, plan.From, plan.From)
			}
			if err := src.Remove(s.Key); err != nil && !errors.Is(err, ErrNotFound) {
				return res, fmt.Errorf("deleting %q from %s: %w", s.Key, plan.From, err)
			}
			journal.Deleted = append(journal.Deleted, s.Key)
			if err := save(); err != nil {
				return res, err
			}
			res.Deleted++
			fmt.Fprintf(progress, "%s %q: deleted from %s\n", s.Kind, s.Key, plan.From)
		}
	}
	if jpath != "" {
		if err := os.Remove(jpath); err != nil && !errors.Is(err, os.ErrNotExist) {
			return res, err
		}
	}
	return res, nil
}

// String describes a plan for people.
func (p *MigratePlan) String() string {
	var b strings.Builder
	if j := p.Resuming; j != nil {
		fmt.Fprintf(&b, "Resuming the migration from %s to %s started %s (%d items copied then).\n", j.From, j.To, j.Started.Local().Format(time.RFC1123), len(j.Copied))
	}
	if len(p.Steps) == 0 {
		fmt.Fprintf(&b, "Nothing to migrate from %s to %s.\n", p.From, p.To)
		return b.String()
	}
	fmt.Fprintf(&b, "From %s to %s:\n", p.From, p.To)
	for _, s := range p.Steps {
		what := map[string]string{
			"copy":      "copy",
			"overwrite": "copy, replacing the target's item",
			"present":   "already there with the same data",
			"conflict":  "CONFLICT: the target holds other data (--overwrite replaces it)",
		}[s.Action]
		fmt.Fprintf(&b, "  %-11s %s: %s\n", s.Kind, s.Key, what)
	}
	return b.String()
}
