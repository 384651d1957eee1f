package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/bakenhq/baken/internal/demo"
	"github.com/bakenhq/baken/internal/search"
	"github.com/bakenhq/baken/internal/store"
	"github.com/bakenhq/baken/internal/store/storetest"
)

type suggestion struct {
	Items []struct{ Title, Type, URL string }
	All   string
}

func (b *browser) suggest(q string) suggestion {
	b.t.Helper()
	code, body := b.get("/search/suggest?q=" + url.QueryEscape(q))
	if code != http.StatusOK {
		b.t.Fatalf("suggest %q: %d %s", q, code, body)
	}
	var s suggestion
	if err := json.Unmarshal([]byte(body), &s); err != nil {
		b.t.Fatalf("suggest %q: %v in %s", q, err, body)
	}
	return s
}

func (s suggestion) has(title string) bool {
	for _, it := range s.Items {
		if it.Title == title {
			return true
		}
	}
	return false
}

func TestSearchPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		srv := demoServer(t, db)
		hofman, err := db.OrganisationBySlug(ctx, "hofman")
		if err != nil {
			t.Fatal(err)
		}
		// An instruction only Hofman may see, written through the same
		// tables the server's index loads.
		ix := search.NewIndex(db)
		if err := ix.Upsert(ctx, hofman.ID, search.Doc{Kind: search.KindLearning, ID: "alu", Lang: "nl", Type: "instruction",
			Title: "Lassen van aluminium", Body: "Veiligheid eerst: draag een lashelm.", Minutes: 4, URL: "/learn/alu"}); err != nil {
			t.Fatal(err)
		}

		henk := newBrowser(t, srv)
		henk.signIn("henk.smit@hofman.example", demo.Password)
		// The box is on every page, a plain form that works without JavaScript.
		if _, body := henk.get("/"); !strings.Contains(body, `action="/search"`) || !strings.Contains(body, `for="search-q"`) {
			t.Fatal("no search box on the home page")
		}
		// Results while typing: prefixes, typos, Dutch stemming.
		if s := henk.suggest("lass"); !s.has("Lassen van aluminium") {
			t.Fatalf("prefix: %+v", s)
		}
		if s := henk.suggest("laste "); !s.has("Lassen van aluminium") {
			t.Fatalf("Dutch past tense: %+v", s)
		}
		if s := henk.suggest("Henk Smti "); !s.has("Henk Smit") {
			t.Fatalf("person with a typo: %+v", s)
		}
		// The results page with facets, without JavaScript.
		code, body := henk.get("/search?q=veiligheid")
		if code != http.StatusOK || !strings.Contains(body, "Lassen van aluminium") || !strings.Contains(body, `name="type"`) {
			t.Fatalf("results page: %d %s", code, body)
		}
		_, body = henk.get("/search?q=henk&type=person")
		if !strings.Contains(body, "Henk Smit") || strings.Contains(body, "Lassen van aluminium") {
			t.Fatal("type filter")
		}
		// Both languages: the page follows the user's language.
		henk.get("/")
		henk.post("/lang", url.Values{"lang": {"nl"}, "next": {"/"}})
		if _, body := henk.get("/search?q=lassen"); !strings.Contains(body, "resultaten") && !strings.Contains(body, "resultaat") {
			t.Fatalf("Dutch results page: %s", body)
		}
		henk.get("/")
		henk.post("/lang", url.Values{"lang": {"en"}, "next": {"/"}})
		if _, body := henk.get("/search?q=lassen"); !strings.Contains(body, "results") {
			t.Fatal("English results page")
		}

		// Another organisation finds neither Hofman's people nor its
		// instruction.
		sophie := newBrowser(t, srv)
		sophie.signIn("s.hendriks@ttu.example", demo.Password)
		if s := sophie.suggest("henk"); s.has("Henk Smit") {
			t.Fatal("LEAK: a provider finds a company's person")
		}
		if s := sophie.suggest("lassen"); s.has("Lassen van aluminium") {
			t.Fatal("LEAK: a provider finds a company's org-only instruction")
		}
		if _, body := sophie.get("/search?q=aluminium"); strings.Contains(body, "Lassen van aluminium") {
			t.Fatal("LEAK on the results page")
		}
		// Signed out: no search.
		anon := newBrowser(t, srv)
		if code, _ := anon.get("/search/suggest?q=henk"); code != http.StatusSeeOther {
			t.Fatalf("anonymous suggest: %d", code)
		}
	})
}
