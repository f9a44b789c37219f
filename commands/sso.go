package commands

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/aws-vault/aws-vault/engine"
	"github.com/aws-vault/aws-vault/engine/config"
)

// SSOCmd groups the IAM Identity Center commands.
type SSOCmd struct {
	Sync SSOSyncCmd `cmd:"" help:"Write a profile for each account and role you are assigned in IAM Identity Center to the AWS config, in a block of its own."`
}

// SSOSyncCmd is `aws-vault sso sync [SSO_SESSION]`.
type SSOSyncCmd struct {
	Session       string `arg:"" optional:"" name:"sso-session" predictor:"ssosession"`
	DryRun        bool   `name:"dry-run" negatable:""`
	NameTemplate  string `name:"name-template" placeholder:"TEMPLATE"`
	ProfileRegion string `name:"profile-region" placeholder:"REGION"`
	UseDeviceCode bool   `name:"use-device-code" env:"AWS_VAULT_SSO_USE_DEVICE_CODE" negatable:""`
	Stdout        bool   `name:"stdout" env:"AWS_VAULT_STDOUT" negatable:""`
}

// ssoSyncHelp is the help of SSOSyncCmd's flags and arguments (see helpTable).
var ssoSyncHelp = helpTable{
	"dry-run":         "Show the changes to the config as a diff, and write nothing.",
	"name-template":   "Profile names: {account_name}, {account_id}, {role_name} and {session} are replaced; default {account_name}.{role_name}, or what the last sync of this session used.",
	"profile-region":  "The region written to each profile; default the session's sso_region, or what the last sync used.",
	"use-device-code": "IAM Identity Center: sign in with the device code flow instead of the browser's redirect to this computer.",
	"stdout":          "IAM Identity Center: show the sign-in URL and do not open a browser.",
	"sso-session":     "The [sso-session] to sync; the config's only one when left out.",
}

func (*SSOSyncCmd) flagHelp() []helpTable { return []helpTable{ssoSyncHelp} }

// DefaultNameTemplate names the generated profiles.
const DefaultNameTemplate = "{account_name}.{role_name}"

// The patterns are compiled when sso sync first needs them, not at every
// start of every command (roleNameRE's {1,64} alone is a large program).
var (
	placeholderRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\{[a-z_]+\}`) })
	// nameUnsafe is what a profile name made from an account name must not
	// hold: ini syntax, white space, shell quoting trouble.
	nameUnsafe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`[^A-Za-z0-9._@+=-]+`) })
	// accountIDRE and roleNameRE are what AWS allows in an account id and
	// a permission set's role name: anything else from the portal is not
	// written into the config.
	accountIDRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[0-9]{12}$`) })
	roleNameRE  = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9_+=,.@-]{1,64}$`) })
)

// Run lists the assignments and writes (or shows) the block.
func (c *SSOSyncCmd) Run(a *App) error {
	cfg, err := a.Config()
	if err != nil {
		return err
	}
	session := c.Session
	if session == "" {
		names := cfg.SSOSessionNames()
		switch len(names) {
		case 0:
			return fmt.Errorf("%s has no [sso-session] section to sync (`aws configure sso-session` makes one)", cfg.Path)
		case 1:
			session = names[0]
		default:
			return fmt.Errorf("%s has several [sso-session] sections (%s): name the one to sync", cfg.Path, strings.Join(names, ", "))
		}
	}
	data, err := os.ReadFile(cfg.Path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	old, err := config.FindSSOBlock(cfg.Path, data, session)
	if err != nil {
		return err
	}
	prev := parseOptions(old.Options)
	template := firstOf(c.NameTemplate, prev["name-template"], DefaultNameTemplate)
	if err := checkTemplate(template); err != nil {
		return err
	}

	eng, err := a.Engine(SessionFlags{NoBrowser: c.Stdout, UseDeviceCode: c.UseDeviceCode})
	if err != nil {
		return err
	}
	sess, err := eng.LookupSSOSession(session)
	if err != nil {
		return err
	}
	region := firstOf(c.ProfileRegion, prev["region"], sess.SSORegion)

	progress, stop := a.syncProgress()
	info, assignments, err := eng.SSOAssignments(context.Background(), session, progress)
	stop()
	if err != nil {
		return err
	}

	block := &config.SSOBlock{Session: session, Options: "name-template=" + template + " region=" + region}
	owner := map[string]engine.SSOAssignment{}
	for _, as := range assignments {
		if !accountIDRE().MatchString(as.AccountID) || !roleNameRE().MatchString(as.RoleName) {
			return fmt.Errorf("IAM Identity Center listed account %q with role %q for [sso-session %s]: not an AWS account id and role name, so not written to a config; nothing was written",
				as.AccountID, as.RoleName, session)
		}
		name := expandTemplate(template, session, as)
		if other, dup := owner[name]; dup {
			return fmt.Errorf("--name-template %s gives the name %q to role %s of account %s (%s) and to role %s of account %s (%s); include {account_id}, or {role_name}, to tell them apart; nothing was written",
				template, name, other.RoleName, other.AccountID, other.AccountName, as.RoleName, as.AccountID, as.AccountName)
		}
		owner[name] = as
		if cfg.HasProfile(name) && old.Sections[name] == "" {
			return fmt.Errorf("profile %q (role %s of account %s) is already in %s, outside the block that sso sync owns; rename that profile, or choose another --name-template; nothing was written",
				name, as.RoleName, as.AccountID, cfg.Path)
		}
		keys := [][2]string{{"sso_session", session}, {"sso_account_id", as.AccountID}, {"sso_role_name", as.RoleName}}
		if region != "" {
			keys = append(keys, [2]string{"region", region})
		}
		block.Profiles = append(block.Profiles, config.GeneratedProfile{Name: name, Keys: keys})
	}
	text := block.Render()
	newData := config.ReplaceSSOBlock(data, old, text)
	added, changed, removed := diffSections(a.Stdout, c.DryRun, cfg.Path, session, old.Sections, block.SectionsOf())
	what := fmt.Sprintf("%d profiles for [sso-session %s] (%s)", len(block.Profiles), session, info.StartURL)
	switch {
	case c.DryRun:
		fmt.Fprintf(a.Stderr, "aws-vault: %s: %d to add, %d to change, %d to remove (dry run: %s unchanged)\n", what, added, changed, removed, cfg.Path)
		return nil
	case string(newData) == string(data):
		fmt.Fprintf(a.Stderr, "aws-vault: %d profiles for [sso-session %s]: %s is up to date\n", len(block.Profiles), session, cfg.Path)
		return nil
	}
	// The whole file is parsed again before it is written: the block must
	// not make it unreadable.
	if _, err := config.Parse(cfg.Path, newData); err != nil {
		return fmt.Errorf("the synced config would not parse (%w); nothing was written", err)
	}
	if err := config.WriteFileAtomic(cfg.Path, newData); err != nil {
		return fmt.Errorf("writing %s: %w", cfg.Path, err)
	}
	fmt.Fprintf(a.Stderr, "aws-vault: wrote %s to %s: %d added, %d changed, %d removed\n", what, cfg.Path, added, changed, removed)
	return nil
}

func firstOf(v ...string) string {
	for _, s := range v {
		if s != "" {
			return s
		}
	}
	return ""
}

// parseOptions reads the block's options line: name=value words.
func parseOptions(line string) map[string]string {
	out := map[string]string{}
	for _, f := range strings.Fields(line) {
		if k, v, ok := strings.Cut(f, "="); ok {
			out[k] = v
		}
	}
	return out
}

func checkTemplate(t string) error {
	for _, ph := range placeholderRE().FindAllString(t, -1) {
		switch ph {
		case "{account_name}", "{account_id}", "{role_name}", "{session}":
		default:
			return fmt.Errorf("--name-template %q: unknown placeholder %s (use {account_name}, {account_id}, {role_name}, {session})", t, ph)
		}
	}
	if !strings.Contains(t, "{role_name}") {
		return fmt.Errorf("--name-template %q needs {role_name}: every role gets a profile of its own", t)
	}
	if strings.ContainsAny(t, "[]#; \t\n") {
		return fmt.Errorf("--name-template %q: profile names cannot hold white space, [, ], # or ;", t)
	}
	return nil
}

func expandTemplate(t, session string, as engine.SSOAssignment) string {
	name := as.AccountName
	if name == "" {
		name = as.AccountID
	}
	return strings.NewReplacer(
		"{account_name}", nameUnsafe().ReplaceAllString(strings.TrimSpace(name), "-"),
		"{account_id}", as.AccountID,
		"{role_name}", nameUnsafe().ReplaceAllString(as.RoleName, "-"),
		"{session}", nameUnsafe().ReplaceAllString(session, "-"),
	).Replace(t)
}

// diffSections counts (and with show, prints as a diff of the block)
// what changes between the old and new profiles of the block.
func diffSections(w io.Writer, show bool, path, session string, old, new map[string]string) (added, changed, removed int) {
	names := map[string]bool{}
	for n := range old {
		names[n] = true
	}
	for n := range new {
		names[n] = true
	}
	sorted := make([]string, 0, len(names))
	for n := range names {
		sorted = append(sorted, n)
	}
	sort.Strings(sorted)
	lines := func(prefix, text string) {
		for _, l := range strings.SplitAfter(strings.TrimSuffix(text, "\n"), "\n") {
			fmt.Fprintf(w, "%s%s", prefix, strings.TrimSuffix(l, "\n")+"\n")
		}
	}
	header := false
	for _, n := range sorted {
		o, inOld := old[n]
		nw, inNew := new[n]
		if inOld && inNew && o == nw {
			continue
		}
		if show && !header {
			fmt.Fprintf(w, "--- %s\n+++ %s (aws-vault sso sync %s)\n", path, path, session)
			header = true
		}
		switch {
		case !inOld:
			added++
		case !inNew:
			removed++
		default:
			changed++
		}
		if show {
			fmt.Fprintf(w, "@@ [profile %s] @@\n", n)
			if inOld {
				lines("-", o)
			}
			if inNew {
				lines("+", nw)
			}
		}
	}
	return added, changed, removed
}

// syncProgress shows, on a terminal, how many accounts' roles are listed.
func (a *App) syncProgress() (func(done, total int), func()) {
	f, ok := a.Stderr.(*os.File)
	if !ok || !isTerminal(f) {
		return nil, func() {}
	}
	shown := false
	return func(done, total int) {
			shown = true
			fmt.Fprintf(f, "\r\x1b[Kaws-vault: listing roles: %d/%d accounts", done, total)
		}, func() {
			if shown {
				fmt.Fprint(f, "\r\x1b[K")
			}
		}
}
