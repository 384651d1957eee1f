package api

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bakenhq/baken/internal/auth"
	"github.com/bakenhq/baken/internal/core"
	"github.com/bakenhq/baken/internal/project"
	"github.com/bakenhq/baken/internal/store"
	"github.com/bakenhq/baken/internal/tenancy"
)

// org is one organisation of the test world, with a site, a team and
// four people holding API tokens of different roles.
type org struct {
	Org                          *tenancy.Organisation
	Site, Site2                  *tenancy.Site
	Team                         *tenancy.Team
	Admin, LnD, Employee, Lead   *tenancy.Person
	AdminTok, LnDTok, EmpTok     string
	LeadTok, LeftTok, DemotedTok string
	Left                         *tenancy.Person
	// Learning by doing: a working group with an open call (owned by the
	// lead), a published organisation lesson and a draft of the employee,
	// and a lesson for a second team (led by the lead, written by the
	// admin) that the employee may not read.
	Team2                     *tenancy.Team
	Project                   *project.Project
	Lesson, Draft, TeamLesson *project.Lesson
}

// world is two organisations on one database, built alike so that every
// request can be tried with the other organisation's ids.
//
// Many worlds can share one database: slugs and email domains carry a
// sequence number, and tenancy keeps the worlds apart (which the tests
// exercise as a bonus).
type world struct {
	t      *testing.T
	db     *store.DB
	srv    *server
	A, B   *org
	domain string // email domain of this world's people
}

var worldSeq atomic.Int64

func newWorld(t *testing.T, db *store.DB) *world {
	t.Helper()
	n := worldSeq.Add(1)
	w := &world{t: t, db: db, srv: newServer(db, nil), domain: fmt.Sprintf("w%d.example.nl", n)}
	w.A = w.makeOrg("a", n)
	w.B = w.makeOrg("b", n)
	return w
}

func (w *world) makeOrg(tag string, n int64) *org {
	t, ctx, db := w.t, context.Background(), w.db
	t.Helper()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	o := &org{Org: &tenancy.Organisation{Kind: tenancy.Company, Name: "Org " + tag, Slug: fmt.Sprintf("org-%s-%d", tag, n)}}
	must(db.CreateOrganisation(ctx, o.Org))
	id := o.Org.ID
	o.Site = &tenancy.Site{Name: "Hengelo", Address: "Industrieweg 1"}
	must(db.CreateSite(ctx, id, o.Site))
	o.Site2 = &tenancy.Site{Name: "Almelo"}
	must(db.CreateSite(ctx, id, o.Site2))
	o.Team = &tenancy.Team{Name: "Lassen", SiteID: o.Site.ID}
	must(db.CreateTeam(ctx, id, o.Team))
	person := func(name, email, number string, roles ...core.Role) *tenancy.Person {
		p := &tenancy.Person{Name: name, Email: email, EmployeeNumber: number, TeamID: o.Team.ID, SiteID: o.Site.ID, Roles: roles}
		must(db.CreatePerson(ctx, id, p))
		return p
	}
	o.Admin = person("Anna Admin", "admin-"+tag+"@"+w.domain, "1", core.RoleOrgAdmin)
	o.LnD = person("Lotte Leren", "lnd-"+tag+"@"+w.domain, "2", core.RoleLearning)
	o.Employee = person("Erik Werker", "", "3")
	o.Lead = person("Tom Teamleider", "", "4", core.RoleTeamLead)
	o.Left = person("Vera Vertrokken", "", "5", core.RoleOrgAdmin)
	o.Team.LeadID = o.Lead.ID
	must(db.UpdateTeam(ctx, id, o.Team))
	token := func(p *tenancy.Person, role core.Role) string {
		tok := auth.NewToken()
		must(db.CreateAPIToken(ctx, id, &store.APIToken{PersonID: p.ID, Name: "test " + string(role), Role: role, TokenHash: auth.TokenHash(tok)}))
		return tok
	}
	o.AdminTok = token(o.Admin, core.RoleOrgAdmin)
	o.LnDTok = token(o.LnD, core.RoleLearning)
	o.EmpTok = token(o.Employee, core.RoleEmployee)
	o.LeadTok = token(o.Lead, core.RoleTeamLead)
	// A token whose person has since left.
	o.LeftTok = token(o.Left, core.RoleOrgAdmin)
	o.Left.Active, o.Left.Roles = false, nil
	must(db.UpdatePerson(ctx, id, o.Left))
	// A token for a role the person no longer holds.
	o.DemotedTok = token(o.Lead, core.RoleOrgAdmin)

	o.Project = &project.Project{TitleNL: "Werkgroep lasnaadscheuren " + tag, GoalNL: "Oorzaak van scheuren vinden", OwnerID: o.Lead.ID,
		SiteID: o.Site.ID, StartsOn: time.Now().UTC().Truncate(24 * time.Hour), CallOpen: true, CallText: "Lassers gezocht"}
	must(db.CreateProject(ctx, id, o.Project, "trekker"))
	lesson := func(author *tenancy.Person, title string, vis project.Visibility, teamID string, publish bool) *project.Lesson {
		l := &project.Lesson{AuthorID: author.ID, TeamID: teamID, Lang: "nl", Title: title, Learned: "Voorwarmen " + tag, Visibility: vis}
		must(db.CreateLesson(ctx, id, l))
		if publish {
			must(db.SetLessonStatus(ctx, id, l.ID, project.LessonDraft, project.LessonPublished, o.LnD.ID, "", time.Now()))
		}
		x, err := db.Lesson(ctx, id, l.ID)
		must(err)
		return x
	}
	o.Lesson = lesson(o.Employee, "Lasnaad scheurt zonder voorwarmen "+tag, project.VisOrg, "", true)
	o.Draft = lesson(o.Employee, "Concept over de lasrook "+tag, project.VisOrg, "", false)
	return o
}

// vars replaces {name} placeholders in paths and bodies with the ids of
// the world: {siteA}, {teamB}, {empA}, …
func (w *world) vars(s string) string {
	pairs := []string{"{domain}", w.domain}
	for tag, o := range map[string]*org{"A": w.A, "B": w.B} {
		pairs = append(pairs,
			"{site"+tag+"}", o.Site.ID, "{site2"+tag+"}", o.Site2.ID, "{team"+tag+"}", o.Team.ID,
			"{admin"+tag+"}", o.Admin.ID, "{lnd"+tag+"}", o.LnD.ID, "{emp"+tag+"}", o.Employee.ID,
			"{lead"+tag+"}", o.Lead.ID, "{left"+tag+"}", o.Left.ID,
			"{project"+tag+"}", o.Project.ID, "{lesson"+tag+"}", o.Lesson.ID, "{draft"+tag+"}", o.Draft.ID)
	}
	return strings.NewReplacer(pairs...).Replace(s)
}

// token returns the token called name: admin, lnd, employee, lead, left,
// demoted (org A), adminB, lndB, employeeB, or "" for none.
func (w *world) token(name string) string {
	o := w.A
	if strings.HasSuffix(name, "B") {
		o, name = w.B, strings.TrimSuffix(name, "B")
	}
	switch name {
	case "":
		return ""
	case "admin":
		return o.AdminTok
	case "lnd":
		return o.LnDTok
	case "employee":
		return o.EmpTok
	case "lead":
		return o.LeadTok
	case "left":
		return o.LeftTok
	case "demoted":
		return o.DemotedTok
	}
	w.t.Fatalf("unknown token %q", name)
	return ""
}

// response is what a test sees of an answer.
type response struct {
	Status int
	Header http.Header
	Body   []byte
}

func (r response) JSON(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatalf("response is not a JSON object: %v: %s", err, r.Body)
	}
	return m
}

// errorCode returns the code and field of an error response, checking
// that the response has the documented error shape.
func (r response) errorCode(t *testing.T) (code, field string) {
	t.Helper()
	var e struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
			Field   string `json:"field"`
		} `json:"error"`
	}
	dec := json.NewDecoder(strings.NewReader(string(r.Body)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil || e.Error.Code == "" || e.Error.Message == "" {
		t.Fatalf("status %d without a proper error body (%v): %s", r.Status, err, r.Body)
	}
	return e.Error.Code, e.Error.Field
}

// do sends one request through the real handler. A body is sent as JSON
// unless header says otherwise.
func (w *world) do(method, path, tokenName, body string, header ...string) response {
	w.t.Helper()
	return w.doReader(method, w.vars(path), w.token(tokenName), strings.NewReader(w.vars(body)), body != "", header...)
}

func (w *world) doReader(method, path, token string, body io.Reader, hasBody bool, header ...string) response {
	w.t.Helper()
	req := httptest.NewRequest(method, path, body)
	if hasBody {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(header); i += 2 {
		if header[i+1] == "" {
			req.Header.Del(header[i])
		} else {
			req.Header.Set(header[i], header[i+1])
		}
	}
	rec := httptest.NewRecorder()
	w.srv.ServeHTTP(rec, req)
	res := rec.Result()
	b, _ := io.ReadAll(res.Body)
	if ct := res.Header.Get("Content-Type"); len(b) > 0 && !strings.HasPrefix(ct, "application/json") {
		w.t.Fatalf("%s %s: Content-Type %q: %s", method, path, ct, b)
	}
	return response{Status: res.StatusCode, Header: res.Header, Body: b}
}

// snapshot is everything the API can change, as the store reports it, so
// a test can prove that a refused request changed nothing.
func (w *world) snapshot() string {
	w.t.Helper()
	ctx := context.Background()
	var b strings.Builder
	enc := json.NewEncoder(&b)
	for _, o := range []*org{w.A, w.B} {
		id := o.Org.ID
		sites, err := w.db.Sites(ctx, id)
		if err != nil {
			w.t.Fatal(err)
		}
		teams, err := w.db.Teams(ctx, id, "")
		if err != nil {
			w.t.Fatal(err)
		}
		people, _, err := w.db.People(ctx, id, tenancy.PeopleFilter{Limit: 500})
		if err != nil {
			w.t.Fatal(err)
		}
		audit, err := w.db.AuditLog(ctx, id, 500, 0)
		if err != nil {
			w.t.Fatal(err)
		}
		var tokens int
		if err := w.db.R().QueryRowContext(ctx, `SELECT COUNT(*) FROM api_tokens WHERE org_id = $1 AND revoked_at IS NULL`, id).Scan(&tokens); err != nil {
			w.t.Fatal(err)
		}
		_ = enc.Encode([]any{sites, teams, people, len(audit), tokens})
	}
	return b.String()
}
