package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/bakenhq/baken/internal/competence"
	"github.com/bakenhq/baken/internal/demo"
	"github.com/bakenhq/baken/internal/project"
	"github.com/bakenhq/baken/internal/store"
	"github.com/bakenhq/baken/internal/store/storetest"
	"github.com/bakenhq/baken/internal/tenancy"
	"github.com/bakenhq/baken/internal/xapi"
)

var idIn = regexp.MustCompile(`/(?:projects|lessons|reflections)/([0-9a-f-]{36})`)

// The journey of issue 8 through the pages: an engineer opens a working
// group on a recurring fault; an operator volunteers and is accepted; the
// owner confirms the operator's work, which waits for the team lead's
// validation and then is project-work evidence; the operator reflects
// (privately) and writes a lesson; an expert publishes it to the
// community, where another organisation reads it anonymised as chosen.
func TestLearningByDoingJourney(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		srv := demoServer(t, db)
		hofman, _ := db.OrganisationBySlug(ctx, "hofman")
		comp := &competence.Competence{Framework: competence.Own, NameNL: "Spanmiddelen onderhouden", NameEN: "Maintaining chucks", Layer: competence.Fundamental, Active: true}
		if err := db.CreateCompetence(ctx, hofman.ID, comp); err != nil {
			t.Fatal(err)
		}

		eng := newBrowser(t, srv)
		eng.signIn("ruud.mulder@hofman.example", demo.Password)
		if code, body := eng.get("/projects/new"); code != 200 || !strings.Contains(body, "Maintaining chucks") && !strings.Contains(body, "Spanmiddelen onderhouden") {
			t.Fatalf("new project form: %d", code)
		}
		form := url.Values{"title_nl": {"Trillingen spindel Hermle"}, "title_en": {"Spindle vibration Hermle"},
			"goal_nl": {"Oorzaak vinden en oplossen"}, "starts_on": {"2026-09-01"}, "ends_on": {"2026-12-01"},
			"competence": {comp.ID, ""}, "level": {"3", "2"}, "owner_role": {"procesengineer"}, "call_open": {"on"}, "call_text": {"Operators van de DMG Mori"}}
		bad := url.Values{}
		for k, v := range form {
			bad[k] = v
		}
		bad.Set("ends_on", "2026-01-01")
		if code, body := eng.post("/projects", bad); code != http.StatusUnprocessableEntity || !strings.Contains(body, "ends_on") && !strings.Contains(body, "einde") && !strings.Contains(body, "start") {
			t.Fatalf("project ending before it starts: %d", code)
		}
		code, _ := eng.post("/projects", form)
		if code != http.StatusSeeOther {
			t.Fatalf("create project: %d", code)
		}
		ps, _ := db.Projects(ctx, hofman.ID, store.ProjectFilter{CallOpen: true})
		pid := ""
		for _, p := range ps {
			if p.TitleNL == "Trillingen spindel Hermle" {
				pid = p.ID
			}
		}
		if pid == "" {
			t.Fatal("the project is not stored with an open call")
		}

		// The operator signs in with a PIN, sees the call and volunteers.
		op := newBrowser(t, srv)
		op.signIn("1001", "1234")
		if _, body := op.get("/projects"); !strings.Contains(body, "Trillingen spindel Hermle") {
			t.Fatal("the operator does not see the call")
		}
		if _, body := op.get("/"); !strings.Contains(body, "/projects/"+pid) {
			t.Fatal("the home page does not recommend the working group")
		}
		if code, _ := op.post("/projects/"+pid+"/apply", url.Values{"message": {"Ik draai er elke dag op"}}); code != http.StatusSeeOther {
			t.Fatalf("volunteer: %d", code)
		}
		jan := mustPersonByName(t, db, hofman.ID, "Jan de Vries")
		// The owner gets a notification, with a count in the bell.
		if _, body := eng.get("/projects"); !strings.Contains(body, `class="count">`) {
			t.Fatal("no unread count in the bell")
		}
		if _, body := eng.get("/notifications"); !strings.Contains(body, "Jan de Vries") {
			t.Fatal("no application notification")
		}
		// Someone else cannot accept people.
		// The volunteer cannot accept himself: he has no invitation to answer.
		if code, _ := op.post("/projects/"+pid+"/decide", url.Values{"person_id": {jan}, "accept": {"1"}}); code != http.StatusConflict {
			t.Fatalf("operator accepts himself: %d", code)
		}
		owner := mustPersonByName(t, db, hofman.ID, "Ruud Mulder")
		if code, _ := op.post("/projects/"+pid+"/decide", url.Values{"person_id": {owner}, "accept": {"0"}}); code != http.StatusForbidden {
			t.Fatalf("operator decides about someone else: %d", code)
		}
		if code, _ := eng.post("/projects/"+pid+"/decide", url.Values{"person_id": {jan}, "accept": {"1"}, "role": {"operator"}}); code != http.StatusSeeOther {
			t.Fatalf("accept: %d", code)
		}
		if _, body := op.get("/notifications"); !strings.Contains(body, "Trillingen spindel Hermle") {
			t.Fatal("no acceptance notification")
		}
		// A milestone; the operator posts in the log.
		if code, _ := op.post("/projects/"+pid+"/updates", url.Values{"body": {"Klauwen gemeten: 0,3 mm slijtage"}, "milestone": {"on"}}); code != http.StatusSeeOther {
			t.Fatalf("post update: %d", code)
		}
		// The owner confirms the operator's work: Ruud may not validate
		// Jan, so it waits for Henk, Jan's team lead.
		if code, body := eng.post("/projects/"+pid+"/contributions", url.Values{"person_id": {jan}, "competence_id": {comp.ID}, "level": {"4"}}); code != http.StatusUnprocessableEntity {
			t.Fatalf("level above the project's: %d %s", code, body[:0])
		}
		if code, _ := eng.post("/projects/"+pid+"/contributions", url.Values{"person_id": {jan}, "competence_id": {comp.ID}, "level": {"3"}, "note": {"vond de oorzaak"}}); code != http.StatusSeeOther {
			t.Fatalf("confirm: %d", code)
		}
		cs, _ := db.Contributions(ctx, hofman.ID, store.ContributionFilter{ProjectID: pid})
		if len(cs) != 1 || cs[0].Status != project.AwaitingValidation {
			t.Fatalf("contributions = %+v", cs)
		}
		// The confirmed work is in Jan's learning record (issue 7).
		if rec, _ := xapi.PersonStatements(ctx, db, hofman.ID, jan, "", 1); len(rec) != 1 || !strings.Contains(string(rec[0]), "Trillingen spindel Hermle — Spanmiddelen onderhouden") {
			t.Fatalf("confirmed work not in the learning record: %s", rec)
		}
		lead := newBrowser(t, srv)
		lead.signIn("henk.smit@hofman.example", demo.Password)
		if _, body := lead.get("/reflections"); !strings.Contains(body, "/contributions/"+cs[0].ID) {
			t.Fatal("the team lead does not see the work to validate")
		}
		if _, body := lead.get("/matrix"); !strings.Contains(body, `href="/reflections#validate"`) {
			t.Fatal("the team matrix does not point to the project work to validate")
		}
		if code, _ := op.post("/contributions/"+cs[0].ID, url.Values{"accept": {"1"}}); code != http.StatusForbidden {
			t.Fatalf("operator validates himself: %d", code)
		}
		if code, _ := lead.post("/contributions/"+cs[0].ID, url.Values{"accept": {"1"}, "next": {"/reflections"}}); code != http.StatusSeeOther {
			t.Fatalf("validate: %d", code)
		}
		evs, _ := db.Evidence(ctx, hofman.ID, store.EvidenceFilter{PersonID: jan, CompetenceID: comp.ID})
		if len(evs) != 1 || evs[0].Kind != competence.Project || evs[0].Level != 3 {
			t.Fatalf("evidence = %+v", evs)
		}

		// The owner closes the project; the operator reflects, privately.
		if code, _ := eng.post("/projects/"+pid+"/close", url.Values{"outcome": {"Klauwen elk half jaar vervangen"}}); code != http.StatusSeeOther {
			t.Fatalf("close: %d", code)
		}
		if code, _ := op.post("/reflections", url.Values{"context": {"project"}, "context_id": {pid}, "learned": {"GEHEIM-INZICHT over slijtage"}, "next": {"PLC-basis leren"}}); code != http.StatusSeeOther {
			t.Fatalf("reflect: %d", code)
		}
		if code, _ := op.post("/reflections", url.Values{"context": {"project"}}); code != http.StatusUnprocessableEntity {
			t.Fatalf("empty reflection: %d", code)
		}
		all, _ := db.OwnReflections(ctx, hofman.ID, jan)
		var refl []*project.Reflection
		for _, r := range all {
			if strings.Contains(r.Learned, "GEHEIM-INZICHT") {
				refl = append(refl, r)
			}
		}
		if len(refl) != 1 {
			t.Fatalf("%d reflections", len(refl))
		}
		hr := newBrowser(t, srv)
		hr.signIn("marloes.bakker@hofman.example", demo.Password)
		admin := newBrowser(t, srv)
		admin.signIn("anna.visser@hofman.example", demo.Password)
		for name, b := range map[string]*browser{"lead": lead, "L&D": hr, "admin": admin, "owner": eng} {
			if code, body := b.get("/reflections/" + refl[0].ID); code != http.StatusNotFound || strings.Contains(body, "GEHEIM-INZICHT") {
				t.Fatalf("%s opens the private reflection: %d", name, code)
			}
			for _, path := range []string{"/reflections", "/projects/" + pid, "/", "/people/" + jan, "/lessons", "/community", "/notifications"} {
				if _, body := b.get(path); strings.Contains(body, "GEHEIM-INZICHT") {
					t.Fatalf("%s sees the private reflection on %s", name, path)
				}
			}
		}
		if _, body := op.get("/reflections"); !strings.Contains(body, "PLC-basis leren") {
			t.Fatal("the next step is not shown to its author")
		}

		// The operator writes a lesson for the community, not naming people.
		lf := url.Values{"lang": {"nl"}, "title": {"Spanmiddel slijt sneller dan gedacht"}, "situation": {"DMG Mori draaibank"},
			"happened": {"Werkstuk liep uit"}, "cause": {"Versleten klauwen"}, "learned": {"Klauwen **elk half jaar** vervangen <script>alert(1)</script>"},
			"next_time": {"Eerst de klauwen meten"}, "visibility": {"community"}, "name_org": {"on"}, "project_id": {pid}, "submit": {"1"}}
		if code, _ := op.post("/lessons", lf); code != http.StatusSeeOther {
			t.Fatalf("write lesson: %d", code)
		}
		ls, _ := db.Lessons(ctx, hofman.ID, store.LessonFilter{AuthorID: jan, Status: project.LessonInReview})
		if len(ls) != 1 || ls[0].Title != "Spanmiddel slijt sneller dan gedacht" {
			t.Fatalf("lessons in review = %+v", ls)
		}
		lid := ls[0].ID
		// The other organisation does not see it before it is published.
		uni := newBrowser(t, srv)
		uni.signIn("s.hendriks@ttu.example", demo.Password)
		if code, _ := uni.get("/lessons/" + lid); code != http.StatusNotFound {
			t.Fatalf("a lesson in review is readable elsewhere: %d", code)
		}
		// The expert reviews: a review request reached him.
		if _, body := eng.get("/notifications"); !strings.Contains(body, "Spanmiddel slijt") {
			t.Fatal("no review request")
		}
		if code, _ := op.post("/lessons/"+lid+"/status", url.Values{"action": {"publish"}}); code != http.StatusForbidden {
			t.Fatalf("author publishes: %d", code)
		}
		if code, _ := eng.post("/lessons/"+lid+"/status", url.Values{"action": {"publish"}, "note": {"Helder"}}); code != http.StatusSeeOther {
			t.Fatalf("publish: %d", code)
		}
		code, body := op.get("/lessons/" + lid)
		if code != 200 || !strings.Contains(body, "<strong>elk half jaar</strong>") || strings.Contains(body, "<script>alert") {
			t.Fatalf("lesson page: %d", code)
		}
		// In the community, from the provider's side: the organisation is
		// named, the author is not; in English the interface is English.
		code, body = uni.get("/lessons/" + lid)
		if code != 200 || strings.Contains(body, "Jan de Vries") || strings.Contains(body, "Ruud Mulder") || !strings.Contains(body, "Hofman Metaaltechniek") {
			t.Fatalf("community view: %d, names shown", code)
		}
		if _, body := uni.get("/community"); !strings.Contains(body, "Spanmiddel slijt sneller") {
			t.Fatal("the lesson is not in the community space")
		}
		if code, _ := uni.post("/lessons/"+lid+"/comments", url.Values{"body": {"Zelfde bij onze Mazak"}}); code != http.StatusSeeOther {
			t.Fatalf("comment: %d", code)
		}
		if code, _ := uni.post("/lessons/"+lid+"/helped", url.Values{}); code != http.StatusSeeOther {
			t.Fatalf("helped: %d", code)
		}
		if _, body := op.get("/lessons/" + lid); strings.Contains(body, "Hendriks") || !strings.Contains(body, "Zelfde bij onze Mazak") {
			t.Fatal("a commenter of another organisation is named")
		}
		// Editing makes a new version; another organisation cannot edit or
		// see the history.
		if code, _ := uni.get("/lessons/" + lid + "/versions"); code != http.StatusNotFound {
			t.Fatalf("versions from elsewhere: %d", code)
		}
		lf.Del("csrf")
		if code, _ := uni.post("/lessons/"+lid, lf); code != http.StatusNotFound {
			t.Fatalf("edit from elsewhere: %d", code)
		}
		lf.Set("learned", "Klauwen elk half jaar vervangen en de spandruk controleren")
		lf.Del("submit")
		lf.Del("csrf")
		if code, _ := eng.post("/lessons/"+lid, lf); code != http.StatusSeeOther {
			t.Fatalf("expert edits: %d", code)
		}
		if _, body := op.get("/lessons/" + lid + "/versions"); !strings.Contains(body, "versie 2") && !strings.Contains(body, "version 2") {
			t.Fatal("no second version")
		}
		_ = idIn
	})
}

func mustPersonByName(t *testing.T, db *store.DB, orgID, name string) string {
	t.Helper()
	ps, _, err := db.People(context.Background(), orgID, tenancy.PeopleFilter{Query: name})
	if err != nil || len(ps) == 0 {
		t.Fatalf("person %s: %v", name, err)
	}
	return ps[0].ID
}

func TestLessonsOnPlacePageAndIntoAnInstruction(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		srv := demoServer(t, db)
		hofman, _ := db.OrganisationBySlug(ctx, "hofman")
		ls, _ := db.Lessons(ctx, hofman.ID, store.LessonFilter{Status: project.LessonPublished})
		var chuck *project.Lesson
		for _, l := range ls {
			if strings.HasPrefix(l.Title, "Klauwplaat slijt") {
				chuck = l
			}
		}
		if chuck == nil {
			t.Fatal("the demo lesson is missing")
		}
		op := newBrowser(t, srv)
		op.signIn("1001", "1234")
		code, body := op.get("/p/HGL-CNC-01")
		if code != 200 || !strings.Contains(body, "Klauwplaat slijt sneller") || !strings.Contains(body, "Hier geleerde lessen") {
			t.Fatalf("place page: %d, lesson shown: %v", code, strings.Contains(body, "Klauwplaat"))
		}
		// After an instruction, the operator is asked to reflect.
		plc, _ := db.PlaceByCode(ctx, hofman.ID, "HGL-CNC-01")
		if len(plc.ItemIDs) > 0 {
			if _, body := op.get("/learn/" + plc.ItemIDs[0] + "?done=done"); !strings.Contains(body, "/reflections/new?context=instruction&amp;id="+plc.ItemIDs[0]) {
				t.Fatal("no prompt to reflect after an instruction")
			}
			if code, body := op.get("/reflections/new?context=instruction&id=" + plc.ItemIDs[0] + "&title=Gereedschap"); code != 200 || !strings.Contains(body, `value="Gereedschap"`) {
				t.Fatalf("reflection form after an instruction: %d", code)
			}
		}
		// The other lathe has no lessons: no empty block.
		if _, body := op.get("/p/HGL-CNC-02"); strings.Contains(body, "Hier geleerde lessen") {
			t.Fatal("an empty lessons block")
		}
		// In English too.
		uni := newBrowser(t, srv)
		uni.signIn("ruud.mulder@hofman.example", demo.Password)
		uni.get("/")
		uni.post("/lang", url.Values{"lang": {"en"}, "next": {"/"}})
		if _, body := uni.get("/p/HGL-CNC-01"); !strings.Contains(body, "Lessons learned here") || !strings.Contains(body, "Klauwplaat slijt sneller") {
			t.Fatal("place page in English lacks the lesson")
		}
		// An operator may not turn it into an instruction; the expert may.
		if code, _ := op.post("/lessons/"+chuck.ID+"/instruction", url.Values{}); code != http.StatusForbidden {
			t.Fatalf("operator makes an instruction: %d", code)
		}
		if _, body := uni.get("/lessons/" + chuck.ID); !strings.Contains(body, "/lessons/"+chuck.ID+"/instruction") {
			t.Fatal("no instruction button for the expert")
		}
		res, err := uni.c.PostForm(uni.base+"/lessons/"+chuck.ID+"/instruction", url.Values{"csrf": {uni.csrf}})
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		loc := res.Header.Get("Location")
		if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/learn/") || !strings.HasSuffix(loc, "/edit") {
			t.Fatalf("lesson to instruction: %d %s", res.StatusCode, loc)
		}
		id := strings.TrimSuffix(strings.TrimPrefix(loc, "/learn/"), "/edit")
		it, err := db.LearningItem(ctx, hofman.ID, id)
		if err != nil {
			t.Fatal(err)
		}
		if it.TitleNL != chuck.Title || it.Instruction == nil || len(it.Instruction.Steps) == 0 || string(it.Status) != "draft" {
			t.Fatalf("instruction = %+v", it)
		}
		pl, _ := db.PlaceByCode(ctx, hofman.ID, "HGL-CNC-01")
		found := false
		for _, x := range pl.ItemIDs {
			found = found || x == id
		}
		if !found {
			t.Fatal("the instruction is not bound to the lesson's place")
		}
	})
}

// A next step shared with the team lead becomes a line of the person's
// development plan; private next steps never reach the lead.
func TestNextStepIntoDevelopmentPlan(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		srv := demoServer(t, db)
		hofman, _ := db.OrganisationBySlug(ctx, "hofman")
		lead := newBrowser(t, srv)
		lead.signIn("henk.smit@hofman.example", demo.Password)
		_, body := lead.get("/reflections")
		if !strings.Contains(body, "MES voor storingsdata") {
			t.Fatal("the shared next step is not shown to the team lead")
		}
		if strings.Contains(body, "Hydrauliek basiscursus") {
			t.Fatal("a private next step reaches the team lead")
		}
		steps, _ := db.SharedNextSteps(ctx, hofman.ID, mustPersonByName(t, db, hofman.ID, "Henk Smit"))
		if len(steps) != 1 {
			t.Fatalf("%d shared steps", len(steps))
		}
		comps, _, _ := db.Competences(ctx, hofman.ID, competence.Filter{Query: "MES", Limit: 5})
		if len(comps) == 0 {
			t.Fatal("no MES competence in the demo")
		}
		date := time.Now().AddDate(0, 2, 0).Format("2006-01-02")
		op := newBrowser(t, srv)
		op.signIn("1001", "1234")
		op.get("/reflections")
		if code, _ := op.post("/next-steps/"+steps[0].ID+"/plan", url.Values{"competence_id": {comps[0].ID}, "target_level": {"2"}, "target_date": {date}}); code != http.StatusNotFound {
			t.Fatalf("someone else plans the step: %d", code)
		}
		if code, _ := lead.post("/next-steps/"+steps[0].ID+"/plan", url.Values{"competence_id": {comps[0].ID}, "target_level": {"2"}, "target_date": {date}}); code != http.StatusSeeOther {
			t.Fatalf("plan the step: %d", code)
		}
		after, _ := db.NextSteps(ctx, hofman.ID, steps[0].PersonID)
		planned := false
		for _, s := range after {
			planned = planned || s.ID == steps[0].ID && s.Status == project.StepPlanned && s.PlanItemID != ""
		}
		if !planned {
			t.Fatal("the step is not marked planned")
		}
		plans, _ := db.Plans(ctx, hofman.ID, store.PlanFilter{PersonID: steps[0].PersonID})
		found := false
		for _, p := range plans {
			found = found || strings.Contains(p.Note, "MES voor storingsdata")
		}
		if !found {
			t.Fatal("no development-plan line")
		}
	})
}
