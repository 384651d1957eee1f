package store

import (
	"context"
	"time"

	"github.com/bakenhq/baken/internal/competence"
	"github.com/bakenhq/baken/internal/gap"
)

// GapInput loads everything the gap engine needs for orgID in a handful
// of ordered scans: sites, teams, active people with their role profiles,
// competences, role requirements, the maintained current levels (after
// re-deriving expired ones) and, for levels whose evidence expires, that
// evidence to follow the level into the future. drafts adds roadmap items
// that are not published yet (management's preview).
func (db *DB) GapInput(ctx context.Context, orgID string, now time.Time, drafts bool) (*gap.Input, error) {
	if _, err := db.RefreshExpired(ctx, orgID, now); err != nil {
		return nil, err
	}
	in := &gap.Input{Now: now}
	var err error
	if in.Scale, err = db.Scale(ctx, orgID); err != nil {
		return nil, err
	}
	scan := func(q string, fn func(rows interface{ Scan(...any) error }) error, args ...any) error {
		rows, err := db.read.QueryContext(ctx, q, append([]any{orgID}, args...)...)
		if err != nil {
			return db.Err(err)
		}
		defer rows.Close()
		for rows.Next() {
			if err := fn(rows); err != nil {
				return err
			}
		}
		return rows.Err()
	}
	if err := scan(`SELECT id, name FROM sites WHERE org_id = $1 ORDER BY name`, func(r interface{ Scan(...any) error }) error {
		var s gap.Site
		err := r.Scan(&s.ID, &s.Name)
		in.Sites = append(in.Sites, s)
		return err
	}); err != nil {
		return nil, err
	}
	if err := scan(`SELECT id, name, COALESCE(site_id, '') FROM teams WHERE org_id = $1 ORDER BY name`, func(r interface{ Scan(...any) error }) error {
		var t gap.Team
		err := r.Scan(&t.ID, &t.Name, &t.SiteID)
		in.Teams = append(in.Teams, t)
		return err
	}); err != nil {
		return nil, err
	}
	pidx := map[string]int{}
	if err := scan(`SELECT id, name, COALESCE(team_id, ''), COALESCE(site_id, ''), left_on FROM people
		WHERE org_id = $1 AND active = TRUE AND (left_on IS NULL OR left_on > $2) ORDER BY name, id`, func(r interface{ Scan(...any) error }) error {
		var p gap.Person
		err := r.Scan(&p.ID, &p.Name, &p.TeamID, &p.SiteID, Time{&p.LeftOn})
		pidx[p.ID] = len(in.People)
		in.People = append(in.People, p)
		return err
	}, Date(now)); err != nil {
		return nil, err
	}
	if err := scan(`SELECT person_id, profile_id FROM person_role_profiles WHERE org_id = $1`, func(r interface{ Scan(...any) error }) error {
		var p, pr string
		if err := r.Scan(&p, &pr); err != nil {
			return err
		}
		if i, ok := pidx[p]; ok {
			in.People[i].ProfileIDs = append(in.People[i].ProfileIDs, pr)
		}
		return nil
	}); err != nil {
		return nil, err
	}
	if err := scan(`SELECT id, name_nl, name_en FROM competences WHERE org_id = $1 ORDER BY id`, func(r interface{ Scan(...any) error }) error {
		var c gap.Competence
		err := r.Scan(&c.ID, &c.NameNL, &c.NameEN)
		in.Competences = append(in.Competences, c)
		return err
	}); err != nil {
		return nil, err
	}
	prIdx := map[string]int{}
	if err := scan(`SELECT id, name_nl, name_en FROM role_profiles WHERE org_id = $1 ORDER BY id`, func(r interface{ Scan(...any) error }) error {
		var p gap.Profile
		err := r.Scan(&p.ID, &p.NameNL, &p.NameEN)
		prIdx[p.ID] = len(in.Profiles)
		in.Profiles = append(in.Profiles, p)
		return err
	}); err != nil {
		return nil, err
	}
	if err := scan(`SELECT profile_id, competence_id, level, essential FROM role_requirements WHERE org_id = $1`, func(r interface{ Scan(...any) error }) error {
		var pr string
		var q competence.Requirement
		if err := r.Scan(&pr, &q.CompetenceID, &q.Level, &q.Essential); err != nil {
			return err
		}
		if i, ok := prIdx[pr]; ok {
			in.Profiles[i].Requirements = append(in.Profiles[i].Requirements, q)
		}
		return nil
	}); err != nil {
		return nil, err
	}
	// Levels that do not change: one step each. Levels with an expiry
	// ahead: derived again from their evidence at every expiry.
	var expiring int
	if err := scan(`SELECT person_id, competence_id, level, next_change IS NOT NULL FROM current_levels
		WHERE org_id = $1 AND (level > 0 OR next_change IS NOT NULL)`, func(r interface{ Scan(...any) error }) error {
		var l gap.Level
		var lvl int
		var exp bool
		if err := r.Scan(&l.PersonID, &l.CompetenceID, &lvl, &exp); err != nil {
			return err
		}
		if exp {
			expiring++
			return nil
		}
		l.Steps = []competence.Step{{At: now, Level: lvl}}
		in.Levels = append(in.Levels, l)
		return nil
	}); err != nil {
		return nil, err
	}
	if expiring > 0 {
		var cur [2]string
		var evs []competence.Evidence
		flush := func() {
			if len(evs) > 0 {
				in.Levels = append(in.Levels, gap.Level{PersonID: cur[0], CompetenceID: cur[1], Steps: competence.Steps(evs, now)})
			}
			evs = evs[:0]
		}
		if err := scan(`SELECT e.person_id, e.competence_id, e.id, e.level, e.kind, e.recorded_at, e.valid_until
			FROM evidence e JOIN current_levels l ON l.org_id = e.org_id AND l.person_id = e.person_id AND l.competence_id = e.competence_id
			WHERE e.org_id = $1 AND l.next_change IS NOT NULL
			ORDER BY e.person_id, e.competence_id, e.recorded_at, e.id`, func(r interface{ Scan(...any) error }) error {
			var p, c string
			var e competence.Evidence
			if err := r.Scan(&p, &c, &e.ID, &e.Level, &e.Kind, Time{&e.RecordedAt}, Time{&e.ValidUntil}); err != nil {
				return err
			}
			if p != cur[0] || c != cur[1] {
				flush()
				cur = [2]string{p, c}
			}
			evs = append(evs, e)
			return nil
		}); err != nil {
			return nil, err
		}
		flush()
	}
	if in.Items, err = db.Items(ctx, orgID, !drafts); err != nil {
		return nil, err
	}
	return in, nil
}

// GapVersion returns a cheap fingerprint of what the gap engine reads for
// orgID: it changes when evidence is recorded (evidence ids are UUIDv7, so the
// highest id is the latest insert whatever its recorded_at), people or role profiles
// change, or the roadmap is edited. Callers cache a model per version.
func (db *DB) GapVersion(ctx context.Context, orgID string) (string, error) {
	var a, b, c, d, e string
	err := db.read.QueryRowContext(ctx, `SELECT
		COALESCE((SELECT MAX(id) FROM evidence WHERE org_id = $1), ''),
		COALESCE((SELECT CAST(MAX(updated_at) AS TEXT) FROM people WHERE org_id = $1), ''),
		COALESCE((SELECT CAST(MAX(updated_at) AS TEXT) FROM role_profiles WHERE org_id = $1), ''),
		COALESCE((SELECT CAST(MAX(updated_at) AS TEXT) FROM roadmap_items WHERE org_id = $1), ''),
		CAST((SELECT COUNT(*) FROM person_role_profiles WHERE org_id = $1) AS TEXT) || '/' || CAST((SELECT COUNT(*) FROM roadmap_items WHERE org_id = $1) AS TEXT)`, orgID).
		Scan(&a, &b, &c, &d, &e)
	if err != nil {
		return "", db.Err(err)
	}
	return a + "|" + b + "|" + c + "|" + d + "|" + e, nil
}
