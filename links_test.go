package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestDocsLinkInsideRepository: every relative link of the repository's
// Markdown documents (they ship in the release archives) names a file or
// directory of the repository, never one beside or above it.
func TestDocsLinkInsideRepository(t *testing.T) {
	root, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	docs, _ := filepath.Glob("*.md")
	more, _ := filepath.Glob("contrib/*.md")
	sub, _ := filepath.Glob("contrib/*/*.md")
	more = append(more, sub...)
	docs = append(docs, more...)
	if len(docs) < 3 {
		t.Fatalf("found only %q", docs)
	}
	link := regexp.MustCompile(`\]\(([^)\s]+)\)`)
	checked := 0
	for _, doc := range docs {
		b, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range link.FindAllStringSubmatch(string(b), -1) {
			target, _, _ := strings.Cut(m[1], "#")
			if target == "" || strings.HasPrefix(target, "https://") || strings.HasPrefix(target, "http://") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			checked++
			path := filepath.Join(filepath.Dir(doc), filepath.FromSlash(target))
			abs, err := filepath.Abs(path)
			if err != nil {
				t.Fatal(err)
			}
			if rel, err := filepath.Rel(root, abs); err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
				t.Errorf("%s links to %s, outside the repository", doc, m[1])
				continue
			}
			if _, err := os.Stat(path); err != nil {
				t.Errorf("%s links to %s: %v", doc, m[1], err)
			}
		}
	}
	if checked < 2 {
		t.Errorf("only %d relative links found: the pattern is not matching", checked)
	}
}
