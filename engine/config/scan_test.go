package config

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// The fast header scan must agree with ini.v1 on every config we know.
func TestScanProfileNamesAgreesWithParser(t *testing.T) {
	texts := map[string]string{
		"thousand":          string(thousandProfiles()),
		"empty default":     "[default]\n[profile a]\nregion=x\n",
		"default keys":      "[profile a]\n[default]\n# c\nregion=x\n",
		"profile default":   "[profile default]\nregion = x\n[default]\n",
		"comments":          "; top\n[profile a] # trailing\n  region = x ; c\n[sso-session s]\n[services y]\n[profile  spaced ]\n",
		"duplicates":        "[profile a]\n[profile b]\n[profile a]\nx=1\n",
		"dotted":            "[profile a.b_c-d]\n[profile e@f]\n",
		"nested":            "[profile a]\ns3 =\n  max_concurrent_requests = 10\n[profile b]\n",
		"keys before":       "region = x\n[profile a]\n",
		"unclosed":          "[profile a\n",
		"no name":           "[profile ]\n",
		"junk after header": "[profile a] junk\n",
		"not a key":         "[profile a]\nregion = x\nthis is not ini\n",
		"colon key":         "[profile a]\nregion: x\n",
	}
	dir := t.TempDir()
	matches, _ := filepath.Glob("testdata/*.ini")
	for _, m := range matches {
		b, _ := os.ReadFile(m)
		texts[m] = string(b)
	}
	for name, text := range texts {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, "config")
			if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
				t.Fatal(err)
			}
			want, werr := Load(path)
			got, gerr := ScanProfileNames(path)
			if (werr != nil) != (gerr != nil) {
				t.Fatalf("errors differ: parser %v, scan %v", werr, gerr)
			}
			if werr != nil {
				if werr.Error() != gerr.Error() {
					t.Errorf("error %q, parser says %q", gerr, werr)
				}
				return
			}
			if w := want.ProfileNames(); !reflect.DeepEqual(got, w) && !(len(got) == 0 && len(w) == 0) {
				t.Errorf("scan %v, parser %v", got, w)
			}
		})
	}
}

func BenchmarkScan1000(b *testing.B) {
	path := filepath.Join(b.TempDir(), "config")
	if err := os.WriteFile(path, thousandProfiles(), 0o600); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if names, err := ScanProfileNames(path); err != nil || len(names) != 1001 {
			b.Fatal(err)
		}
	}
}
