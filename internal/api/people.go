package api

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/bakenhq/baken/internal/core"
	"github.com/bakenhq/baken/internal/tenancy"
)

const dateLayout = "2006-01-02"

type personJSON struct {
	ID             string    `json:"id"`
	Name           string    `json:"name"`
	Email          *string   `json:"email"`
	EmployeeNumber *string   `json:"employee_number"`
	JobTitle       string    `json:"job_title"`
	TeamID         *string   `json:"team_id"`
	TeamName       *string   `json:"team_name"`
	SiteID         *string   `json:"site_id"`
	SiteName       *string   `json:"site_name"`
	StartDate      *string   `json:"start_date"`
	Language       *string   `json:"language"`
	Active         bool      `json:"active"`
	LeftOn         *string   `json:"left_on"`
	Roles          []string  `json:"roles"`
	HasPassword    bool      `json:"has_password"`
	HasPIN         bool      `json:"has_pin"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
}

func personOut(p *tenancy.Person) personJSON {
	roles := make([]string, 0, len(p.Roles))
	for _, r := range p.Roles {
		roles = append(roles, string(r))
	}
	return personJSON{ID: p.ID, Name: p.Name, Email: opt(p.Email), EmployeeNumber: opt(p.EmployeeNumber), JobTitle: p.JobTitle,
		TeamID: opt(p.TeamID), TeamName: opt(p.TeamName), SiteID: opt(p.SiteID), SiteName: opt(p.SiteName),
		StartDate: optDate(p.StartDate), Language: opt(p.Language), Active: p.Active, LeftOn: optDate(p.LeftOn),
		Roles: roles, HasPassword: p.HasPassword, HasPIN: p.HasPIN, CreatedAt: ts(p.CreatedAt), UpdatedAt: ts(p.UpdatedAt)}
}

func optDate(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	return opt(t.Format(dateLayout))
}

// personInput is the body of POST /people and PATCH /people/{id}. Whether
// someone is active is changed only by /deactivate and /reactivate, which
// also end sessions and revoke tokens.
type personInput struct {
	Name           Opt[string]   `json:"name"`
	Email          Opt[string]   `json:"email"`
	EmployeeNumber Opt[string]   `json:"employee_number"`
	JobTitle       Opt[string]   `json:"job_title"`
	TeamID         Opt[string]   `json:"team_id"`
	SiteID         Opt[string]   `json:"site_id"`
	StartDate      Opt[string]   `json:"start_date"`
	Language       Opt[string]   `json:"language"`
	Roles          Opt[[]string] `json:"roles"`
}

// apply copies the fields that were sent onto p. Roles are handled by the
// caller, because changing them needs its own permission.
func (in *personInput) apply(p *tenancy.Person) error {
	set := func(o Opt[string], dst *string) {
		if o.Set {
			*dst = o.V
		}
	}
	set(in.Name, &p.Name)
	set(in.Email, &p.Email)
	set(in.EmployeeNumber, &p.EmployeeNumber)
	set(in.JobTitle, &p.JobTitle)
	set(in.TeamID, &p.TeamID)
	set(in.SiteID, &p.SiteID)
	set(in.Language, &p.Language)
	if in.StartDate.Set {
		p.StartDate = time.Time{}
		if v := strings.TrimSpace(in.StartDate.V); v != "" {
			d, err := time.Parse(dateLayout, v)
			if err != nil {
				return core.Invalid("start_date", "must be a date written YYYY-MM-DD")
			}
			p.StartDate = d
		}
	}
	return nil
}

// roles returns the role set the input asks for, employee always first
// and in the order of core.Roles. Errors: EInvalid.
func (in *personInput) roles() ([]core.Role, error) {
	return normaliseRoles(in.Roles.V)
}

func normaliseRoles(names []string) ([]core.Role, error) {
	want := map[core.Role]bool{core.RoleEmployee: true}
	for _, n := range names {
		r := core.Role(n)
		if !core.ValidRole(r) {
			return nil, core.Invalid("roles", "unknown role %q", n)
		}
		want[r] = true
	}
	out := []core.Role{}
	for _, r := range core.Roles {
		if want[r] {
			out = append(out, r)
		}
	}
	return out, nil
}

func rolesString(rs []core.Role) string {
	s := make([]string, len(rs))
	for i, r := range rs {
		s[i] = string(r)
	}
	return strings.Join(s, ",")
}

func (s *server) listPeople(w http.ResponseWriter, r *http.Request, p caller) error {
	if !p.CanReadDirectory() {
		return core.Forbidden("read people")
	}
	limit, offset, err := paging(r)
	if err != nil {
		return err
	}
	f := tenancy.PeopleFilter{Query: r.URL.Query().Get("q"), Limit: limit, Offset: offset}
	if f.TeamID, err = queryID(r, "team_id"); err != nil {
		return err
	}
	if f.SiteID, err = queryID(r, "site_id"); err != nil {
		return err
	}
	if v := r.URL.Query().Get("role"); v != "" {
		if !core.ValidRole(core.Role(v)) {
			return &core.Error{Code: codeBadRequest, Field: "role", Message: "is not a known role"}
		}
		f.Role = core.Role(v)
	}
	switch v := r.URL.Query().Get("active"); v {
	case "":
	case "true", "false":
		active := v == "true"
		f.Active = &active
	default:
		return &core.Error{Code: codeBadRequest, Field: "active", Message: "must be true or false"}
	}
	people, total, err := s.db.People(r.Context(), p.OrgID, f)
	if err != nil {
		return err
	}
	out := list[personJSON]{Data: make([]personJSON, 0, len(people)), Total: total, Limit: limit, Offset: offset}
	for _, x := range people {
		out.Data = append(out.Data, personOut(x))
	}
	return writeJSON(w, http.StatusOK, out)
}

// loadPerson returns the person named by the path, in the caller's
// organisation. Errors: ENotFound, EForbidden.
func (s *server) loadPerson(r *http.Request, p caller) (*tenancy.Person, error) {
	if !p.CanReadDirectory() {
		return nil, core.Forbidden("read people")
	}
	id, err := pathID(r)
	if err != nil {
		return nil, notFound(err, "person")
	}
	x, err := s.db.Person(r.Context(), p.OrgID, id)
	return x, notFound(err, "person")
}

func (s *server) getPerson(w http.ResponseWriter, r *http.Request, p caller) error {
	person, err := s.loadPerson(r, p)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, personOut(person))
}

func (s *server) createPerson(w http.ResponseWriter, r *http.Request, p caller) error {
	if !p.CanManagePeople() {
		return core.Forbidden("add people")
	}
	var in personInput
	if err := decode(r, &in); err != nil {
		return err
	}
	var person tenancy.Person
	if err := in.apply(&person); err != nil {
		return err
	}
	roles, err := in.roles()
	if err != nil {
		return err
	}
	if len(roles) > 1 && !p.CanGrantRoles() {
		return core.Forbidden("give people roles other than employee")
	}
	person.Roles = roles
	if err := s.db.CreatePerson(r.Context(), p.OrgID, &person); err != nil {
		return err
	}
	created, err := s.db.Person(r.Context(), p.OrgID, person.ID)
	if err != nil {
		return err
	}
	if len(roles) > 1 {
		s.audit(r, p, "role.change", created.Name, "roles "+rolesString(created.Roles))
	}
	w.Header().Set("Location", Prefix+"/people/"+person.ID)
	return writeJSON(w, http.StatusCreated, personOut(created))
}

func (s *server) updatePerson(w http.ResponseWriter, r *http.Request, p caller) error {
	person, err := s.loadPerson(r, p)
	if err != nil {
		return err
	}
	if !p.CanManagePerson(protectedRoles(person)) {
		return core.Forbidden("change this person")
	}
	var in personInput
	if err := decode(r, &in); err != nil {
		return err
	}
	if err := in.apply(person); err != nil {
		return err
	}
	oldRoles := person.Roles
	person.Roles = nil // unchanged unless sent
	rolesChanged := false
	if in.Roles.Set {
		roles, err := in.roles()
		if err != nil {
			return err
		}
		if !slices.Equal(roles, oldRoles) {
			if !p.CanGrantRoles() {
				return core.Forbidden("change roles")
			}
			if slices.Contains(oldRoles, core.RoleOrgAdmin) && !slices.Contains(roles, core.RoleOrgAdmin) {
				if err := s.keepAnAdmin(r, p, person.ID); err != nil {
					return err
				}
			}
			person.Roles, rolesChanged = roles, true
		}
	}
	if err := s.db.UpdatePerson(r.Context(), p.OrgID, person); err != nil {
		return err
	}
	updated, err := s.db.Person(r.Context(), p.OrgID, person.ID)
	if err != nil {
		return err
	}
	if rolesChanged {
		s.audit(r, p, "role.change", updated.Name, "roles "+rolesString(oldRoles)+" -> "+rolesString(updated.Roles))
	}
	return writeJSON(w, http.StatusOK, personOut(updated))
}

// protectedRoles are the roles that decide who may manage person: a
// platform operator is guarded like an organisation admin.
func protectedRoles(person *tenancy.Person) []core.Role {
	if person.PlatformAdmin {
		return append(slices.Clone(person.Roles), core.RoleOrgAdmin)
	}
	return person.Roles
}

// keepAnAdmin refuses a change that would leave the organisation without
// an active organisation admin. Errors: EConflict.
func (s *server) keepAnAdmin(r *http.Request, p caller, personID string) error {
	active := true
	admins, _, err := s.db.People(r.Context(), p.OrgID, tenancy.PeopleFilter{Role: core.RoleOrgAdmin, Active: &active, Limit: 2})
	if err != nil {
		return err
	}
	for _, a := range admins {
		if a.ID != personID {
			return nil
		}
	}
	return &core.Error{Code: core.EConflict, Field: "roles", Message: "the organisation must keep at least one active organisation admin"}
}

// deactivatePerson marks a person as left: they keep their history, but
// their sessions end and their API tokens are revoked. Deactivating
// someone who already left changes nothing.
func (s *server) deactivatePerson(w http.ResponseWriter, r *http.Request, p caller) error {
	person, err := s.loadPerson(r, p)
	if err != nil {
		return err
	}
	if !p.CanManagePerson(protectedRoles(person)) {
		return core.Forbidden("deactivate this person")
	}
	if !person.Active {
		return writeJSON(w, http.StatusOK, personOut(person))
	}
	if person.ID == p.PersonID {
		return &core.Error{Code: core.EConflict, Message: "you cannot deactivate yourself"}
	}
	if person.HasRole(core.RoleOrgAdmin) {
		if err := s.keepAnAdmin(r, p, person.ID); err != nil {
			return err
		}
	}
	if err := s.db.DeactivatePerson(r.Context(), p.OrgID, person.ID, time.Now()); err != nil {
		return err
	}
	s.audit(r, p, "person.deactivate", person.Name, "")
	updated, err := s.db.Person(r.Context(), p.OrgID, person.ID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, personOut(updated))
}

// reactivatePerson brings back someone who left. Their old API tokens stay
// revoked.
func (s *server) reactivatePerson(w http.ResponseWriter, r *http.Request, p caller) error {
	person, err := s.loadPerson(r, p)
	if err != nil {
		return err
	}
	if !p.CanManagePerson(protectedRoles(person)) {
		return core.Forbidden("reactivate this person")
	}
	if person.Active {
		return writeJSON(w, http.StatusOK, personOut(person))
	}
	person.Active, person.Roles = true, nil
	if err := s.db.UpdatePerson(r.Context(), p.OrgID, person); err != nil {
		return err
	}
	s.audit(r, p, "person.reactivate", person.Name, "")
	updated, err := s.db.Person(r.Context(), p.OrgID, person.ID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, personOut(updated))
}
