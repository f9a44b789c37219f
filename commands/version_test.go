package commands

import (
	"runtime/debug"
	"strings"
	"testing"
)

func TestVersionLine(t *testing.T) {
	info := func(main string, settings ...debug.BuildSetting) func() (*debug.BuildInfo, bool) {
		return func() (*debug.BuildInfo, bool) {
			return &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: main}, Settings: settings}, true
		}
	}
	rev := debug.BuildSetting{Key: "vcs.revision", Value: "a789162ee89689a2ed474c3a2950ab99e3c868b0"}
	dirty := debug.BuildSetting{Key: "vcs.modified", Value: "true"}
	clean := debug.BuildSetting{Key: "vcs.modified", Value: "false"}
	for _, tc := range []struct {
		stamped string
		read    func() (*debug.BuildInfo, bool)
		want    string
	}{
		{"", info("v7.3.0"), "v7.3.0 (go1.26.8)"},                                   // go install …@v7.3.0
		{"", info("(devel)", rev, dirty), "dev (a789162ee896, modified, go1.26.8)"}, // go build, no tag
		{"", info("v0.0.0-20261201225722-a789162ee896", rev, clean), "v0.0.0-20261201225722-a789162ee896 (a789162ee896, go1.26.8)"},
		{"v7.3.1", info("(devel)", rev, clean), "v7.3.1 (a789162ee896, go1.26.8)"}, // the release build
		{"", func() (*debug.BuildInfo, bool) { return nil, false }, "dev"},
		{"v7.3.1+stamped", info("(devel)"), "v7.3.1 (a789162ee896, go1.26.8)"}, // the release build, no VCS information
		{"v7.3.1+stamped", info("(devel)", debug.BuildSetting{Key: "vcs.revision", Value: "0123456789abcdef"}), "v7.3.1 (0123456789ab, go1.26.8)"},
	} {
		Version, Revision = tc.stamped, ""
		if v, ok := strings.CutSuffix(Version, "+stamped"); ok {
			Version, Revision = v, "a789162ee89689a2ed474c3a2950ab99e3c868b0"
		}
		if got := versionLine(tc.read); got != tc.want {
			t.Errorf("versionLine = %q, want %q", got, tc.want)
		}
	}
	Version, Revision = "", ""
}
