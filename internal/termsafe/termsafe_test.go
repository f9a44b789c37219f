package termsafe

import "testing"

func TestEscapes(t *testing.T) {
	for in, want := range map[string]string{
		"plain/dir name_1.2":              "plain/dir name_1.2",
		"été/日本":                          "été/日本",
		"\x1b]0;pwned\x07":                `\x1b]0;pwned\x07`,
		"\x1b[2J\x1b[H":                   `\x1b[2J\x1b[H`,
		"a\nb\rc\td":                      `a\nb\rc\td`,
		"\u009b31m":                       `\u009b31m`,
		"evil\u202etxt.exe":               `evil\u202etxt.exe`,
		"\xff\xfe":                        `\xff\xfe`,
		"del\x7f":                         `del\x7f`,
		"aws-vault: fake line\naws-vault": `aws-vault: fake line\naws-vault`,
	} {
		if got := Line(in); got != want {
			t.Errorf("Line(%q) = %q, want %q", in, got, want)
		}
	}
	if got := Text("one\ntwo\x1b[1m"); got != "one\ntwo\\x1b[1m" {
		t.Errorf("Text = %q", got)
	}
}
