package api

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/bakenhq/baken/internal/competence"
	"github.com/bakenhq/baken/internal/store"
	"github.com/bakenhq/baken/internal/store/storetest"
)

// TestCompetenceAPI: the catalogue, levels, evidence and the matrix, with
// who may record what, on both engines.
func TestCompetenceAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		weld := &competence.Competence{NameNL: "MIG/MAG-lassen", NameEN: "MIG/MAG welding", Category: "Lassen"}
		if err := db.CreateCompetence(ctx, w.A.Org.ID, weld); err != nil {
			t.Fatal(err)
		}
		rp := &competence.RoleProfile{NameNL: "Lasser", Requirements: []competence.Requirement{{CompetenceID: weld.ID, Level: 2, Essential: true}}}
		if err := db.CreateRoleProfile(ctx, w.A.Org.ID, rp); err != nil {
			t.Fatal(err)
		}
		if err := db.SetPersonRoleProfiles(ctx, w.A.Org.ID, w.A.Employee.ID, []string{rp.ID}); err != nil {
			t.Fatal(err)
		}
		emp := "/api/v1/people/" + w.A.Employee.ID
		body := func(kind string, level int) string {
			b, _ := json.Marshal(map[string]any{"competence_id": weld.ID, "level": level, "kind": kind, "note": "api"})
			return string(b)
		}
		cases := []struct {
			name, method, path, who, body string
			status                        int
			want                          string
		}{
			{"catalogue", "GET", "/api/v1/competences?q=lassen", "employee", "", 200, `"name_en":"MIG/MAG welding"`},
			{"bad layer", "GET", "/api/v1/competences?layer=old", "employee", "", 400, ""},
			{"role profiles", "GET", "/api/v1/role-profiles", "employee", "", 200, `"essential":true`},
			{"levels before evidence", "GET", emp + "/levels", "employee", "", 200, `"status":"missing"`},
			{"self-assessment by the person", "POST", emp + "/evidence", "employee", body("self_assessment", 3), 201, `"kind":"self_assessment"`},
			{"no validating oneself", "POST", emp + "/evidence", "employee", body("validation", 4), 403, ""},
			{"self-assessment shows unvalidated", "GET", emp + "/levels", "employee", "", 200, `"validated":false`},
			{"team lead validates", "POST", emp + "/evidence", "lead", body("validation", 2), 201, `"kind":"validation"`},
			{"level off the scale", "POST", emp + "/evidence", "lead", body("validation", 9), 422, ""},
			{"unknown kind", "POST", emp + "/evidence", "lead", body("rumour", 2), 422, ""},
			{"validated level", "GET", emp + "/levels", "lnd", "", 200, `"status":"meets"`},
			{"history", "GET", emp + "/evidence", "lead", "", 200, `"total":2`},
			{"a colleague may not read levels", "GET", "/api/v1/people/" + w.A.LnD.ID + "/levels", "employee", "", 403, ""},
			{"matrix for the lead's team", "GET", "/api/v1/matrix?team_id=" + w.A.Team.ID, "lead", "", 200, `"status":"meets"`},
			{"matrix without a team for a lead", "GET", "/api/v1/matrix", "lead", "", 403, ""},
			{"matrix for an employee", "GET", "/api/v1/matrix?team_id=" + w.A.Team.ID, "employee", "", 403, ""},
			{"other organisation's person", "GET", emp + "/levels", "lndB", "", 404, ""},
			{"other organisation's matrix is empty", "GET", "/api/v1/matrix?team_id=" + w.A.Team.ID, "lndB", "", 200, `"rows":[]`},
			{"other organisation's catalogue", "GET", "/api/v1/competences", "lndB", "", 200, `"total":0`},
		}
		for _, c := range cases {
			res := w.do(c.method, c.path, c.who, c.body)
			if res.Status != c.status || !strings.Contains(string(res.Body), c.want) {
				t.Errorf("%s: %d %s", c.name, res.Status, res.Body)
			}
		}
	})
}
