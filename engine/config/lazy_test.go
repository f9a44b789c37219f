package config

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
)

// trickyConfigs are texts at the edges of what the scans follow: each must
// be read the same by the scans (or make them fall back) as by ini.v1.
var trickyConfigs = map[string]string{
	"empty":                 "",
	"thousand":              string(thousandProfiles()),
	"empty default":         "[default]\n[profile a]\nregion=x\n",
	"default keys":          "[profile a]\n[default]\n# c\nregion=x\n",
	"profile default":       "[profile default]\nregion = x\n[default]\n",
	"default then profile":  "[default]\nregion = x\n[profile default]\nregion = y\nmfa_serial = m\n[profile a]\n",
	"profile then default":  "[profile default]\nregion = y\n[profile a]\n[default]\nregion = x\noutput = json\n",
	"comments":              "; top\n[profile a] # trailing\n  region = x ; c\n[sso-session s]\n[services y]\n[profile  spaced ]\n",
	"duplicates":            "[profile a]\nregion = 1\n[profile b]\n[profile a]\nx=1\nregion = 2\n",
	"spaced duplicates":     "[profile a]\nregion = 1\n[profile  a]\nregion = 2\nmfa_serial = m\n",
	"dotted":                "[profile a.b_c-d]\n[profile e@f]\n",
	"child section":         "[profile team]\ninclude_profile = base\n[profile team.app]\nregion = r\n[profile base]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = team\n",
	"nested":                "[profile a]\ns3 =\n  max_concurrent_requests = 10\n[profile b]\n",
	"nested header":         "[profile a]\ns3 =\n  [profile b]\nregion = x\n",
	"indented key":          "[profile a]\n\tregion = x\n  mfa_serial = m\n",
	"keys before":           "region = x\n[profile a]\n",
	"unclosed":              "[profile a\n",
	"no name":               "[profile ]\n",
	"empty section":         "[]\nregion = x\n",
	"DEFAULT section":       "[profile a]\n[DEFAULT]\nregion = x\n",
	"leading space in name": "[ profile a]\nregion = x\n[profile b]\n",
	"junk after header":     "[profile a] junk\n",
	"two brackets":          "[profile a]b]\nregion = x\n",
	"not a key":             "[profile a]\nregion = x\nthis is not ini\n",
	"colon key":             "[profile a]\nregion: x\n",
	"bom":                   "\xef\xbb\xbf[profile a]\nregion = x\n",
	"crlf":                  "[default]\r\nregion = us-east-1\r\n[profile a]\r\nsource_profile = b\r\nrole_arn = arn:aws:iam::1:role/r\r\n[profile b]\r\nmfa_serial = m\r\n",
	"triple quote":          "[profile a]\nregion = \"\"\"x\n[profile b]\nmfa_serial = inner\"\"\"\n[profile b]\nregion = y\n",
	"backquote":             "[profile a]\nregion = `x\n[profile b]\nmfa_serial = inner`\n[profile b]\nregion = y\n",
	"continuation":          "[profile a]\nregion = x \\\n[profile b]\n",
	"no final newline":      "[profile a]\nregion = x",
	"long line":             "[profile a]\nregion = " + strings.Repeat("x", 70<<10) + "\n[profile b]\n",
	"include chain":         "[default]\nregion = d\n[profile a]\ninclude_profile = b\n[profile b]\nparent_profile = c\nmfa_serial = mb\n[profile c]\nregion = c\nrole_arn = arn:aws:iam::1:role/c\nsource_profile = key\n",
	"source loop":           "[profile a]\nsource_profile = b\nrole_arn = r\n[profile b]\nsource_profile = a\nrole_arn = r\n",
	"missing source":        "[profile a]\nsource_profile = nope\nrole_arn = arn:aws:iam::1:role/r\n",
	"sso sessions":          "[profile a]\nsso_session = s\nsso_account_id = 1\nsso_role_name = r\n[sso-session s]\nsso_start_url = https://x.awsapps.com/start/#/\nsso_region = eu-west-1\n[sso-session  s ]\nsso_registration_scopes = sso:account:access\n[profile b]\nsso_session = missing\n",
	"bad value":             "[profile a]\nduration_seconds = soon\n[profile b]\nsts_regional_endpoints = global\n",
}

// testConfigs returns every config of the test data: trickyConfigs,
// engine/config/testdata, and the .aws/config files of the command
// scripts.
func testConfigs(t *testing.T) map[string]string {
	t.Helper()
	texts := map[string]string{}
	for k, v := range trickyConfigs {
		texts[k] = v
	}
	inis, _ := filepath.Glob("testdata/*.ini")
	for _, m := range inis {
		b, err := os.ReadFile(m)
		if err != nil {
			t.Fatal(err)
		}
		texts[m] = string(b)
	}
	scripts, _ := filepath.Glob("../../commands/testdata/script/*.txtar")
	for _, m := range scripts {
		a, err := txtar.ParseFile(m)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range a.Files {
			if strings.HasSuffix(f.Name, "config") {
				texts[filepath.Base(m)+":"+f.Name] = string(f.Data)
			}
		}
	}
	if len(inis) < 10 || len(scripts) < 20 {
		t.Fatalf("test data not found: %d .ini files, %d scripts", len(inis), len(scripts))
	}
	return texts
}

// TestOpenAgreesWithLoad: a File from Open resolves every profile of every
// config in the test data as one from Load does (values, chains, errors),
// each name resolved both in a freshly opened File and in one shared by
// all, and it reads only the sections it needs when the scan follows the
// file.
func TestOpenAgreesWithLoad(t *testing.T) {
	dir := t.TempDir()
	lazyFiles := 0
	for name, text := range testConfigs(t) {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, strings.NewReplacer("/", "_", ":", "_").Replace(name))
			if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
				t.Fatal(err)
			}
			full, ferr := Load(path)
			opened, oerr := Open(path)
			if fmt.Sprint(ferr) != fmt.Sprint(oerr) {
				t.Fatalf("Open: %v; Load: %v", oerr, ferr)
			}
			if ferr != nil {
				return
			}
			_, simple, _ := scanProfileNames(strings.NewReader(text))
			if simple != (opened.lazy != nil) {
				t.Fatalf("the scan follows the file: %v; Open read it lazily: %v", simple, opened.lazy != nil)
			}
			if opened.lazy != nil {
				lazyFiles++
			}
			names := map[string]bool{"default": true, "nosuch": true, "keyonly": true, "Default": true}
			for _, n := range full.ProfileNames() {
				names[n] = true
				for _, key := range []string{"source_profile", "include_profile", "parent_profile"} {
					if v, ok := full.get(n, key); ok {
						names[strings.TrimSpace(v)] = true
					}
				}
			}
			sorted := make([]string, 0, len(names))
			for n := range names {
				sorted = append(sorted, n)
			}
			sort.Strings(sorted)
			if len(sorted) > 60 { // thousand: a sample, and the names that are not profiles
				var sample []string
				for i, n := range sorted {
					if i%37 == 0 || !full.HasProfile(n) || n == "default" {
						sample = append(sample, n)
					}
				}
				sorted = sample
			}
			env := func(k string) string { return map[string]string{"AWS_REGION": ""}[k] }
			stored := func(n string) bool { return n == "keyonly" }
			shared, err := Open(path)
			if err != nil {
				t.Fatal(err)
			}
			for _, n := range sorted {
				want, werr := (&Resolver{File: full, Env: env, Stored: stored}).Resolve(n)
				fresh, err := Open(path)
				if err != nil {
					t.Fatal(err)
				}
				for i, f := range []*File{fresh, shared} {
					got, gerr := (&Resolver{File: f, Env: env, Stored: stored}).Resolve(n)
					if fmt.Sprint(gerr) != fmt.Sprint(werr) || !reflect.DeepEqual(got, want) {
						t.Errorf("profile %q (%s File): %+v, %v\nLoad: %+v, %v", n, []string{"fresh", "shared"}[i], got, gerr, want, werr)
					}
				}
				if werr == nil && fresh.lazy != nil && len(fresh.profiles) > len(want.Chain())*2+1 {
					t.Errorf("resolving %q read %d profiles, for a chain of %d", n, len(fresh.profiles), len(want.Chain()))
				}
				for _, f := range []*File{fresh, shared} {
					if f.HasProfile(n) != full.HasProfile(n) {
						t.Errorf("HasProfile(%q) = %v, Load says %v", n, f.HasProfile(n), full.HasProfile(n))
					}
				}
			}
			for _, s := range []string{"s", "missing", ""} {
				wk, wok := full.SSOSession(s)
				gk, gok := shared.SSOSession(s)
				if wok != gok || !reflect.DeepEqual(wk, gk) {
					t.Errorf("SSOSession(%q) = %v %v, Load says %v %v", s, gk, gok, wk, wok)
				}
			}
			// A fresh File: shared has been parsed whole by now (suggestions
			// for the names that are not profiles).
			if fresh, err := Open(path); err != nil {
				t.Fatal(err)
			} else if got, want := fresh.SSOSessionNames(), full.SSOSessionNames(); !reflect.DeepEqual(got, want) {
				t.Errorf("SSOSessionNames = %q, Load says %q", got, want)
			}
			if got, want := shared.ProfileNames(), full.ProfileNames(); !reflect.DeepEqual(got, want) {
				t.Errorf("ProfileNames = %q, Load says %q", got, want)
			}
		})
	}
	if lazyFiles < 30 {
		t.Errorf("only %d configs were read lazily: the fast path is not being tested", lazyFiles)
	}
}

// generated is a config of n role profiles sourcing one user, as tools
// that write a profile per SSO account and role make them.
func generated(n int) []byte {
	var b strings.Builder
	b.WriteString("[default]\nregion = us-east-1\n\n[profile root]\nmfa_serial = arn:aws:iam::111111111111:mfa/me\n\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "[profile team%d.app_%d]\nsource_profile = root\nrole_arn = arn:aws:iam::%012d:role/Dev\nregion = eu-west-1\n\n", i, i, i)
	}
	return []byte(b.String())
}

// TestOpenReadsOnlyTheChain: resolving one profile of 10,000 parses
// [default], the profile and its source, nothing else.
func TestOpenReadsOnlyTheChain(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config")
	if err := os.WriteFile(path, generated(10000), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	p, err := (&Resolver{File: f, Env: func(string) string { return "" }}).Resolve("team9999.app_9999")
	if err != nil {
		t.Fatal(err)
	}
	if p.RoleARN != "arn:aws:iam::000000009999:role/Dev" || p.SourceProfile == nil || p.SourceProfile.MfaSerial == "" {
		t.Errorf("resolved %+v", p)
	}
	var parsed []string
	for n := range f.profiles {
		parsed = append(parsed, n)
	}
	sort.Strings(parsed)
	if want := []string{"default", "root", "team9999.app_9999"}; !reflect.DeepEqual(parsed, want) || f.lazy == nil {
		t.Errorf("parsed %q (lazy %v), want %q", parsed, f.lazy != nil, want)
	}
	// A mistyped name's suggestions need every name: the file is parsed.
	if _, err := (&Resolver{File: f, Env: func(string) string { return "" }}).Resolve("team9999.app_999"); err == nil ||
		!strings.Contains(err.Error(), `"team9999.app_9999"`) {
		t.Errorf("mistyped name: %v", err)
	}
	if f.lazy != nil || len(f.profiles) != 10002 {
		t.Errorf("after suggestions: lazy %v, %d profiles", f.lazy != nil, len(f.profiles))
	}
}

// TestOpenFileChanges: a section asked for after the file changed into one
// the scan does not follow is read by the full parse; a file that went
// away is an error from Resolve, not a missing profile.
func TestOpenFileChanges(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config")
	if err := os.WriteFile(path, []byte("[profile a]\nregion = x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := Open(path)
	if err != nil || f.lazy == nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("[profile a]\nregion = \"\"\"y\n\"\"\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	p, err := (&Resolver{File: f, Env: func(string) string { return "" }}).Resolve("a")
	full, _ := Load(path)
	want, _ := (&Resolver{File: full, Env: func(string) string { return "" }}).Resolve("a")
	if err != nil || !strings.HasPrefix(p.Region, "y") || !reflect.DeepEqual(p, want) || f.lazy != nil {
		t.Errorf("after the change: %+v, %v (lazy %v)", p, err, f.lazy != nil)
	}

	if err := os.WriteFile(path, []byte("[profile a]\nregion = x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if f, err = Open(path); err != nil || f.lazy == nil {
		t.Fatal(err)
	}
	os.Remove(path)
	if err := os.Mkdir(path, 0o700); err != nil {
		t.Fatal(err)
	}
	if _, err := (&Resolver{File: f, Env: func(string) string { return "" }}).Resolve("a"); err == nil || !strings.Contains(err.Error(), "reading AWS config") {
		t.Errorf("file replaced by a directory: %v", err)
	}
}

func BenchmarkOpenResolve10000(b *testing.B) {
	path := filepath.Join(b.TempDir(), "config")
	if err := os.WriteFile(path, generated(10000), 0o600); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		f, err := Open(path)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := (&Resolver{File: f, Env: func(string) string { return "" }}).Resolve("team5000.app_5000"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLoadResolve10000(b *testing.B) {
	path := filepath.Join(b.TempDir(), "config")
	if err := os.WriteFile(path, generated(10000), 0o600); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		f, err := Load(path)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := (&Resolver{File: f, Env: func(string) string { return "" }}).Resolve("team5000.app_5000"); err != nil {
			b.Fatal(err)
		}
	}
}

// TestNoChildSections: [profile team.app] takes nothing from [profile
// team] (ini.v1 would look its missing keys up there), as in the AWS CLI.
func TestNoChildSections(t *testing.T) {
	f, err := Parse("config", []byte(trickyConfigs["child section"]))
	if err != nil {
		t.Fatal(err)
	}
	p, err := (&Resolver{File: f, Env: func(string) string { return "" }}).Resolve("team.app")
	if err != nil || p.RoleARN != "" || p.SourceProfile != nil || p.Region != "r" {
		t.Errorf("team.app: %+v, %v", p, err)
	}
}
