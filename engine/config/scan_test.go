package config

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// The fast header scan must agree with ini.v1 on every config of the test
// data.
func TestScanProfileNamesAgreesWithParser(t *testing.T) {
	texts := testConfigs(t)
	dir := t.TempDir()
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
