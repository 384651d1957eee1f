package markdown

import (
	"strings"
	"testing"
)

func TestRenderSanitises(t *testing.T) {
	cases := []struct {
		in           string
		want, forbid []string
	}{
		{"**bold** and _it_", []string{"<strong>bold</strong>", "<em>it</em>"}, nil},
		{"<script>alert(1)</script>\n\nhi", []string{"hi"}, []string{"<script", "alert(1)</script>"}},
		{"[x](javascript:alert(1))", nil, []string{"javascript:"}},
		{"<img src=x onerror=alert(1)>", nil, []string{"onerror"}},
		{"<img src=/x onerror=alert(1)>", nil, []string{"onerror"}},
		{"![jaws](/lessons/a/images/b)", []string{`src="/lessons/a/images/b"`}, nil},
		{"![track](https://evil.example/p.png)", nil, []string{"evil.example"}},
		{"[site](https://example.com)", []string{`rel="nofollow`, `href="https://example.com"`}, nil},
		{"| a | b |\n|---|---|\n| 1 | 2 |", []string{"<table>", "<td>1</td>"}, nil},
	}
	for _, c := range cases {
		got := string(Render(c.in))
		for _, w := range c.want {
			if !strings.Contains(got, w) {
				t.Errorf("Render(%q) = %q, want %q", c.in, got, w)
			}
		}
		for _, f := range c.forbid {
			if strings.Contains(got, f) {
				t.Errorf("Render(%q) = %q contains %q", c.in, got, f)
			}
		}
	}
}

func TestHTMLLikeTheCatalogueExpects(t *testing.T) {
	for _, tt := range []struct{ in, want, not string }{
		{"**Stop** de machine", "<strong>Stop</strong>", ""},
		{"1. een\n2. twee", "<ol>", ""},
		{`<a href="https://example.com" onclick="x()">a</a>`, "", "onclick"},
		{"see https://example.com/manual", `href="https://example.com/manual"`, ""},
	} {
		got := string(HTML(tt.in))
		if tt.want != "" && !strings.Contains(got, tt.want) {
			t.Errorf("%q → %q, want %q in it", tt.in, got, tt.want)
		}
		if tt.not != "" && strings.Contains(strings.ToLower(got), tt.not) {
			t.Errorf("%q → %q contains %q", tt.in, got, tt.not)
		}
	}
	if HTML("") != "" {
		t.Error("empty")
	}
}
