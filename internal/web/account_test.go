package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/bakenhq/baken/internal/auth"
	"github.com/bakenhq/baken/internal/demo"
	"github.com/bakenhq/baken/internal/store"
	"github.com/bakenhq/baken/internal/store/storetest"
)

func TestAPITokensInTheAccountPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		srv := demoServer(t, db)
		henk := newBrowser(t, srv)
		henk.signIn("henk.smit@hofman.example", demo.Password)
		henk.get("/account")
		// A role Henk does not hold is refused.
		if code, _ := henk.post("/account/tokens", url.Values{"name": {"x"}, "role": {"org_admin"}}); code != http.StatusUnprocessableEntity {
			t.Fatalf("token with a role not held: %d", code)
		}
		code, body := henk.post("/account/tokens", url.Values{"name": {"matrix export"}, "role": {"team_lead"}})
		token := regexp.MustCompile(`bkn_[A-Za-z0-9_-]+`).FindString(body)
		if code != 200 || token == "" {
			t.Fatalf("create token: %d", code)
		}
		tok, err := db.APITokenByHash(ctx, auth.TokenHash(token))
		if err != nil || tok.Role != "team_lead" {
			t.Fatalf("stored token: %v %v", tok, err)
		}
		// Another person cannot revoke it.
		fleur := newBrowser(t, srv)
		fleur.signIn("fleur.kok@hofman.example", demo.Password)
		fleur.get("/account")
		if code, _ := fleur.post("/account/tokens/"+tok.ID+"/revoke", url.Values{}); code != http.StatusNotFound {
			t.Fatalf("someone else revokes the token: %d", code)
		}
		henk.get("/account")
		if code, _ := henk.post("/account/tokens/"+tok.ID+"/revoke", url.Values{}); code != http.StatusSeeOther {
			t.Fatalf("revoke: %d", code)
		}
		if _, err := db.APITokenByHash(ctx, auth.TokenHash(token)); err == nil {
			t.Fatal("a revoked token still works")
		}
		if _, body := henk.get("/account"); strings.Contains(body, "matrix export") {
			t.Fatal("a revoked token is still listed")
		}
	})
}
