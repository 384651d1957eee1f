package i18n

import "testing"

func TestCataloguesHaveTheSameKeys(t *testing.T) {
	for lang, keys := range Missing() {
		for _, k := range keys {
			t.Errorf("%s lacks key %q", lang, k)
		}
	}
}

func TestNegotiate(t *testing.T) {
	for _, c := range []struct{ header, want string }{
		{"nl-NL,nl;q=0.9,en;q=0.8", "nl"},
		{"en-GB,en;q=0.9", "en"},
		{"de-DE,de;q=0.9,nl;q=0.5,en;q=0.7", "en"},
		{"fr", ""},
		{"", ""},
	} {
		if got := Negotiate(c.header); got != c.want {
			t.Errorf("Negotiate(%q) = %q, want %q", c.header, got, c.want)
		}
	}
}
