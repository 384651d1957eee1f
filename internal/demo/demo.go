// Package demo seeds a believable fictional company so that a newcomer who
// runs `go run ./cmd/baken` sees the whole product working: Hofman
// Metaaltechniek, a ~120-person metalworking and assembly company in
// Twente, and its partner, a university engineering faculty.
//
// Each area of Baken adds its own demo data with Register, in a file of
// its own in this package.
package demo

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sort"
	"time"

	"github.com/bakenhq/baken/internal/auth"
	"github.com/bakenhq/baken/internal/core"
	"github.com/bakenhq/baken/internal/store"
	"github.com/bakenhq/baken/internal/tenancy"
)

// Password is the password of every demo account with an email address.
const Password = "baken-demo-2026"

// Login is one demo sign-in, printed at start.
type Login struct {
	Role     string
	Name     string
	Login    string // email, or employee number
	Secret   string
	OrgSlug  string
	Remember string // what to try as this person
	RoleNL   string
}

// RoleIn returns the role description in lang.
func (l Login) RoleIn(lang string) string {
	if lang == "nl" {
		return l.RoleNL
	}
	return l.Role
}

// Logins lists the demo sign-ins, one for every role.
var Logins = []Login{
	{"organisation admin", "Anna Visser", "anna.visser@hofman.example", Password, "hofman", "sites, teams, people, roles, security log", "beheerder organisatie"},
	{"management", "Gerrit Hofman", "gerrit.hofman@hofman.example", Password, "hofman", "organisation overview", "management"},
	{"L&D coordinator / HR", "Marloes Bakker", "marloes.bakker@hofman.example", Password, "hofman", "people import, competences, campaigns", "L&D-coördinator / HR"},
	{"team lead (CNC machining)", "Henk Smit", "henk.smit@hofman.example", Password, "hofman", "team page, validation", "teamleider (CNC-verspanen)"},
	{"expert / author", "Ruud Mulder", "ruud.mulder@hofman.example", Password, "hofman", "instructions, lessons learned", "expert / auteur"},
	{"assessor", "Ingrid de Boer", "ingrid.de.boer@hofman.example", Password, "hofman", "assessments", "beoordelaar"},
	{"employee (office)", "Fleur Kok", "fleur.kok@hofman.example", Password, "hofman", "own page", "medewerker (kantoor)"},
	{"employee (shop floor, PIN)", "Jan de Vries", "1001", "1234", "hofman", "employee number 1001 with PIN 1234", "medewerker (werkvloer, pincode)"},
	{"provider staff (university)", "Dr. Sophie Hendriks", "s.hendriks@ttu.example", Password, "ttu-et", "partner courses", "medewerker aanbieder (universiteit)"},
}

// Company is what the core seed made; later seeders look things up here.
type Company struct {
	Org      *tenancy.Organisation
	Provider *tenancy.Organisation
	Sites    map[string]*tenancy.Site   // by name
	Teams    map[string]*tenancy.Team   // by short key: welding, cnc, assembly, maintenance, logistics, engineering, quality, office
	People   []*tenancy.Person          // everyone at the company
	ByName   map[string]*tenancy.Person // by full name
	Staff    []*tenancy.Person          // provider staff
	Rand     *rand.Rand                 // deterministic, so every demo looks the same
	Now      time.Time
}

// Seeder adds one area's demo data.
type Seeder struct {
	Order int
	Name  string
	Seed  func(ctx context.Context, db *store.DB, c *Company) error
}

var seeders []Seeder

// Register adds a seeder; areas call it from init.
func Register(s Seeder) {
	seeders = append(seeders, s)
	sort.SliceStable(seeders, func(i, j int) bool { return seeders[i].Order < seeders[j].Order })
}

// SeedOnce seeds the demo into an empty database and records that it did;
// on a database that already has organisations it does nothing.
func SeedOnce(ctx context.Context, db *store.DB, log *slog.Logger) (bool, error) {
	if log == nil {
		log = slog.Default()
	}
	if v, err := db.Setting(ctx, "demo.seeded"); err != nil || v != "" {
		return false, err
	}
	n, err := db.CountOrganisations(ctx)
	if err != nil || n > 0 {
		return false, err
	}
	if v, _ := db.Setting(ctx, "demo.started"); v != "" {
		return false, fmt.Errorf("an earlier demo seed was interrupted; remove the data folder and start again")
	}
	_ = db.SetSetting(ctx, "demo.started", store.T(time.Now()))
	start := time.Now()
	c, err := seedCore(ctx, db)
	if err != nil {
		return false, err
	}
	for _, s := range seeders {
		t := time.Now()
		if err := s.Seed(ctx, db, c); err != nil {
			return false, fmt.Errorf("%s: %w", s.Name, err)
		}
		log.Debug("demo seeded", "area", s.Name, "ms", time.Since(t).Milliseconds())
	}
	if err := db.SetSetting(ctx, "demo.seeded", store.T(time.Now())); err != nil {
		return false, err
	}
	log.Info("demo data seeded", "people", len(c.People), "ms", time.Since(start).Milliseconds())
	return true, nil
}

type teamSpec struct {
	key, name, site string
	size            int
	lead            string
	titles          []string
}

var teamSpecs = []teamSpec{
	{"welding", "Lassen", "Hengelo", 18, "Bart Meijer", []string{"Lasser MIG/MAG", "TIG-lasser", "Robotlasser", "Constructiebankwerker", "Lasser MIG/MAG"}},
	{"cnc", "CNC-verspanen", "Hengelo", 20, "Henk Smit", []string{"CNC-operator", "CNC-draaier", "CNC-frezer", "CNC-programmeur", "CNC-operator"}},
	{"assembly", "Assemblage", "Almelo", 22, "Wendy Dijkstra", []string{"Assemblagemedewerker", "Monteur", "Elektromonteur", "Monteur", "Assemblagemedewerker"}},
	{"maintenance", "Technische dienst", "Hengelo", 10, "Erik Bos", []string{"Onderhoudsmonteur", "Storingsmonteur", "Technicus mechatronica"}},
	{"logistics", "Logistiek", "Almelo", 14, "Patrick van Dam", []string{"Magazijnmedewerker", "Heftruckchauffeur", "Logistiek planner", "Magazijnmedewerker"}},
	{"engineering", "Engineering", "Enschede", 12, "Lotte Willems", []string{"Werkvoorbereider", "Constructeur", "Procesengineer", "Automatiseringsengineer"}},
	{"quality", "Kwaliteit", "Hengelo", 8, "Ingrid de Boer", []string{"Kwaliteitsinspecteur", "Meetkamermedewerker", "QHSE-coördinator"}},
	{"office", "Kantoor", "Hengelo", 14, "Marloes Bakker", []string{"Planner", "Financieel medewerker", "Inkoper", "Commercieel medewerker", "Calculator"}},
}

// Named people: the demo logins and the team leads, with their roles.
var named = map[string]struct {
	team, title string
	roles       []core.Role
	email       string
}{
	"Anna Visser":     {"office", "ICT-beheerder", []core.Role{core.RoleOrgAdmin}, "anna.visser@hofman.example"},
	"Gerrit Hofman":   {"office", "Algemeen directeur", []core.Role{core.RoleManagement}, "gerrit.hofman@hofman.example"},
	"Marloes Bakker":  {"office", "HR- en opleidingsadviseur", []core.Role{core.RoleLearning, core.RoleTeamLead}, "marloes.bakker@hofman.example"},
	"Henk Smit":       {"cnc", "Teamleider CNC-verspanen", []core.Role{core.RoleTeamLead, core.RoleAssessor}, "henk.smit@hofman.example"},
	"Ruud Mulder":     {"engineering", "Procesengineer", []core.Role{core.RoleExpert}, "ruud.mulder@hofman.example"},
	"Ingrid de Boer":  {"quality", "Teamleider kwaliteit", []core.Role{core.RoleAssessor, core.RoleTeamLead}, "ingrid.de.boer@hofman.example"},
	"Fleur Kok":       {"office", "Planner", nil, "fleur.kok@hofman.example"},
	"Jan de Vries":    {"cnc", "CNC-operator", nil, ""},
	"Bart Meijer":     {"welding", "Teamleider lassen", []core.Role{core.RoleTeamLead, core.RoleExpert}, "bart.meijer@hofman.example"},
	"Wendy Dijkstra":  {"assembly", "Teamleider assemblage", []core.Role{core.RoleTeamLead}, "wendy.dijkstra@hofman.example"},
	"Erik Bos":        {"maintenance", "Teamleider technische dienst", []core.Role{core.RoleTeamLead, core.RoleExpert}, "erik.bos@hofman.example"},
	"Patrick van Dam": {"logistics", "Teamleider logistiek", []core.Role{core.RoleTeamLead}, "patrick.van.dam@hofman.example"},
	"Lotte Willems":   {"engineering", "Manager engineering", []core.Role{core.RoleTeamLead, core.RoleManagement}, "lotte.willems@hofman.example"},
}

var firstNames = []string{"Daan", "Sem", "Lucas", "Milan", "Levi", "Luuk", "Thijs", "Jesse", "Stijn", "Ruben", "Tim", "Bram", "Niels", "Koen", "Wouter", "Jeroen", "Mark", "Dennis", "Rick", "Sander", "Marco", "Peter", "Johan", "Hans", "Arjan", "Gert-Jan", "Bas", "Joost", "Martijn", "Roy",
	"Emma", "Sophie", "Julia", "Lisa", "Eva", "Sanne", "Anouk", "Femke", "Iris", "Linda", "Marieke", "Esther", "Kim", "Nicole", "Petra", "Hilde", "Mirjam", "Yvonne", "Priya", "Fatima", "Mehmet", "Ahmed", "Kevin", "Tom", "Gijs"}
var lastNames = []string{"Jansen", "de Jong", "van den Berg", "Bakker", "Janssen", "Visser", "Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker", "Brouwer", "de Wit", "Dijkstra",
	"Nijhuis", "Oude Nijhuis", "Kamphuis", "Lammerink", "ter Horst", "Wolters", "Haverkate", "Rouwhorst", "Brinkhuis", "Olde Rikkert", "Groot Wassink", "Scholten", "Bruggink", "Veldhuis", "Pots", "Hulshof", "Aydın", "Yılmaz", "Baldewsingh", "Kaya"}

func seedCore(ctx context.Context, db *store.DB) (*Company, error) {
	c := &Company{Sites: map[string]*tenancy.Site{}, Teams: map[string]*tenancy.Team{}, ByName: map[string]*tenancy.Person{},
		Rand: rand.New(rand.NewPCG(2026, 11)), Now: time.Now().UTC()}
	c.Org = &tenancy.Organisation{Kind: tenancy.Company, Name: "Hofman Metaaltechniek B.V.", Slug: "hofman", DefaultLang: "nl"}
	c.Provider = &tenancy.Organisation{Kind: tenancy.Provider, Name: "Twentse Technische Universiteit – Faculteit Engineering Technology", Slug: "ttu-et", DefaultLang: "en"}
	for _, o := range []*tenancy.Organisation{c.Org, c.Provider} {
		if err := db.CreateOrganisation(ctx, o); err != nil {
			return nil, err
		}
	}
	if err := db.AddPartnership(ctx, c.Org.ID, c.Provider.ID); err != nil {
		return nil, err
	}
	for _, s := range []*tenancy.Site{
		{Name: "Hengelo", Address: "Industriestraat 12, 7553 CK Hengelo"},
		{Name: "Almelo", Address: "Bedrijvenpark Twente 305, 7602 KL Almelo"},
		{Name: "Enschede", Address: "Hengelosestraat 500, 7521 AN Enschede"},
	} {
		if err := db.CreateSite(ctx, c.Org.ID, s); err != nil {
			return nil, err
		}
		c.Sites[s.Name] = s
	}
	for _, ts := range teamSpecs {
		t := &tenancy.Team{Name: ts.name, SiteID: c.Sites[ts.site].ID}
		if err := db.CreateTeam(ctx, c.Org.ID, t); err != nil {
			return nil, err
		}
		c.Teams[ts.key] = t
	}
	// Named people first, then the rest of each team.
	number := 1000
	nextNumber := func() string { number++; return fmt.Sprint(number) }
	used := map[string]bool{}
	add := func(name, teamKey, title, email string, roles []core.Role, start time.Time) (*tenancy.Person, error) {
		var spec teamSpec
		for _, ts := range teamSpecs {
			if ts.key == teamKey {
				spec = ts
			}
		}
		p := &tenancy.Person{Name: name, Email: email, EmployeeNumber: nextNumber(), JobTitle: title, TeamID: c.Teams[teamKey].ID,
			SiteID: c.Sites[spec.site].ID, StartDate: start, Roles: roles, Active: true}
		if err := db.CreatePerson(ctx, c.Org.ID, p); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		used[name] = true
		c.People = append(c.People, p)
		c.ByName[name] = p
		return p, nil
	}
	startDate := func() time.Time {
		return time.Date(1992+c.Rand.IntN(33), time.Month(1+c.Rand.IntN(12)), 1, 0, 0, 0, 0, time.UTC)
	}
	// Jan de Vries gets number 1001, the one printed at start.
	order := []string{"Jan de Vries", "Anna Visser", "Gerrit Hofman", "Marloes Bakker", "Henk Smit", "Ruud Mulder", "Ingrid de Boer", "Fleur Kok", "Bart Meijer", "Wendy Dijkstra", "Erik Bos", "Patrick van Dam", "Lotte Willems"}
	for _, name := range order {
		n := named[name]
		if _, err := add(name, n.team, n.title, n.email, n.roles, startDate()); err != nil {
			return nil, err
		}
	}
	for _, ts := range teamSpecs {
		have := 0
		for _, p := range c.People {
			if p.TeamID == c.Teams[ts.key].ID {
				have++
			}
		}
		for i := have; i < ts.size; i++ {
			var name string
			for name == "" || used[name] {
				name = firstNames[c.Rand.IntN(len(firstNames))] + " " + lastNames[c.Rand.IntN(len(lastNames))]
			}
			if _, err := add(name, ts.key, ts.titles[i%len(ts.titles)], "", nil, startDate()); err != nil {
				return nil, err
			}
		}
		lead := c.ByName[ts.lead]
		t := c.Teams[ts.key]
		t.LeadID = lead.ID
		if err := db.UpdateTeam(ctx, c.Org.ID, t); err != nil {
			return nil, err
		}
	}
	// One person who has left, so the directory's filter has something to show.
	if p, err := add("Willem ter Haar", "welding", "Lasser MIG/MAG", "", nil, time.Date(2001, 5, 1, 0, 0, 0, 0, time.UTC)); err == nil {
		p.Active = false
		if err := db.UpdatePerson(ctx, c.Org.ID, p); err != nil {
			return nil, err
		}
	} else {
		return nil, err
	}
	// Provider staff.
	for _, s := range []struct{ name, email, title string }{
		{"Dr. Sophie Hendriks", "s.hendriks@ttu.example", "Universitair docent productietechniek"},
		{"Prof. Jeroen Ankersmit", "j.ankersmit@ttu.example", "Hoogleraar robotica"},
	} {
		p := &tenancy.Person{Name: s.name, Email: s.email, JobTitle: s.title, Roles: []core.Role{core.RoleProviderStaff}, Active: true}
		if s.email == "s.hendriks@ttu.example" {
			p.Roles = append(p.Roles, core.RoleOrgAdmin)
		}
		if err := db.CreatePerson(ctx, c.Provider.ID, p); err != nil {
			return nil, err
		}
		c.Staff = append(c.Staff, p)
	}
	// Credentials for the demo logins.
	hash, err := auth.HashSecret(Password)
	if err != nil {
		return nil, err
	}
	for _, p := range append(append([]*tenancy.Person{}, c.People...), c.Staff...) {
		if p.Email == "" {
			continue
		}
		if err := db.SetPasswordHash(ctx, p.OrgID, p.ID, hash); err != nil {
			return nil, err
		}
	}
	pin, err := auth.HashSecret("1234")
	if err != nil {
		return nil, err
	}
	if err := db.SetPINHash(ctx, c.Org.ID, c.ByName["Jan de Vries"].ID, pin); err != nil {
		return nil, err
	}
	// The admin operates the platform too.
	admin := c.ByName["Anna Visser"]
	if _, err := db.W().ExecContext(ctx, `UPDATE people SET platform_admin = TRUE WHERE org_id = $1 AND id = $2`, c.Org.ID, admin.ID); err != nil {
		return nil, err
	}
	return c, nil
}
