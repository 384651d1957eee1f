package tenancy

import (
	"strings"
	"testing"

	"github.com/bakenhq/baken/internal/core"
)

var lookup = ImportLookup{
	TeamIDs:         map[string]string{"cnc-verspanen": "0190c2a0-0000-7000-8000-000000000001"},
	SiteIDs:         map[string]string{"hengelo": "0190c2a0-0000-7000-8000-000000000002"},
	EmployeeNumbers: map[string]bool{"1001": true},
	Emails:          map[string]bool{"taken@hofman.example": true},
}

func TestParsePeopleCSVWholeFileErrors(t *testing.T) {
	for _, c := range []struct {
		name, data, want string
		code             string
	}{
		{"empty", "", "empty", core.EInvalid},
		{"no name column", "employee_number\n1\n", "no name column", core.EInvalid},
		{"unknown column", "name,shoe_size\nA,42\n", `unknown column "shoe_size"`, core.EInvalid},
		{"duplicate column", "name,naam\nA,B\n", "appears twice", core.EInvalid},
		{"latin-1", "name\nJos\xe9\n", "line 2: the file is not UTF-8", core.EInvalid},
		{"broken quoting", "name\n\"Jan\n", "line", core.EInvalid},
		{"header only", "name\n", "no rows", core.EInvalid},
		{"too large", "name\n" + strings.Repeat("x", MaxImportBytes), "larger than", core.ETooLarge},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParsePeopleCSV([]byte(c.data), lookup)
			if err == nil || !strings.Contains(err.Error(), c.want) || core.ErrorCode(err) != c.code {
				t.Fatalf("got %v (code %s), want %q (%s)", err, core.ErrorCode(err), c.want, c.code)
			}
		})
	}
}

func TestParsePeopleCSVRows(t *testing.T) {
	data := "\xef\xbb\xbfnaam;personeelsnummer;e-mail;team;locatie;startdatum;rollen\n" +
		"Sanne Jansen;2001;;CNC-verspanen;Hengelo;01-04-2021;\n" + // valid, Dutch date
		"Piet;2001;;;;;\n" + // duplicate number within the file
		"Kees;1001;;;;;\n" + // number already in the organisation
		"Anna;2002;taken@hofman.example;;;;\n" + // email in use
		"Bram;2003;;Lassen;;;\n" + // unknown team
		"Eva;2004;;;;32-13-2020;\n" + // not a date
		"Tom;2005;;;;;wizard\n" + // unknown role
		";2006;;;;;\n" + // no name
		"Ilse;2007;;;;;team_lead expert\n" // valid with roles
	res, err := ParsePeopleCSV([]byte(data), lookup)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Rows) != 9 || res.Invalid != 7 || res.Valid() {
		t.Fatalf("rows %d invalid %d", len(res.Rows), res.Invalid)
	}
	first := res.Rows[0]
	if len(first.Errors) != 0 || first.Person.TeamID == "" || first.Person.SiteID == "" || first.Person.StartDate.Format("2006-01-02") != "2021-04-01" || first.Line != 2 {
		t.Fatalf("first row: %+v %+v", first, first.Person)
	}
	wantErr := map[int]string{3: "also on line 2", 4: "already belongs", 5: "already in use", 6: `team "Lassen"`, 7: "not a date", 8: "unknown role", 9: "name"}
	for _, row := range res.Rows {
		want, bad := wantErr[row.Line]
		got := strings.Join(row.Errors, "; ")
		if bad != (got != "") || (bad && !strings.Contains(got, want)) {
			t.Errorf("line %d: errors %q, want %q", row.Line, got, want)
		}
	}
	if last := res.Rows[8].Person; len(last.Roles) != 2 {
		t.Errorf("roles of the last row: %v", last.Roles)
	}
}
