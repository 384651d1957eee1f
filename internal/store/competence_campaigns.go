package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/bakenhq/baken/internal/competence"
	"github.com/bakenhq/baken/internal/core"
)

const campaignCols = `c.id, c.org_id, c.name, COALESCE(c.site_id, ''), COALESCE(c.team_id, ''), c.deadline, c.status,
	COALESCE(c.created_by, ''), c.created_at, c.closed_at, COALESCE(c.previous_id, '')`

func scanCampaign(row interface{ Scan(...any) error }) (*competence.Campaign, error) {
	var c competence.Campaign
	err := row.Scan(&c.ID, &c.OrgID, &c.Name, &c.SiteID, &c.TeamID, Time{&c.Deadline}, &c.Status, &c.CreatedBy, Time{&c.CreatedAt}, Time{&c.ClosedAt}, &c.PreviousID)
	return &c, err
}

// CreateCampaign starts a review campaign in orgID. The people in scope
// (the site's and the team's active people plus those listed) are fixed at
// the start; PreviousID is set to the latest closed campaign sharing any of
// them, for "what changed since". Errors: EInvalid.
func (db *DB) CreateCampaign(ctx context.Context, orgID string, c *competence.Campaign) error {
	if err := c.Validate(); err != nil {
		return err
	}
	return db.Tx(ctx, func(tx *sql.Tx) error {
		if err := db.checkRefs(ctx, tx, orgID, map[string]string{"site_id": c.SiteID, "team_id": c.TeamID}); err != nil {
			return err
		}
		if err := db.checkCompetences(ctx, tx, orgID, c.CompetenceIDs); err != nil {
			return err
		}
		people := map[string]bool{}
		for _, id := range c.PersonIDs {
			people[id] = true
		}
		if err := db.checkIDs(ctx, tx, orgID, "people", "people", people); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT id FROM people WHERE org_id = $1 AND active = TRUE AND ((team_id = $2 AND $2 <> '') OR (site_id = $3 AND $3 <> ''))`,
			orgID, c.TeamID, c.SiteID)
		if err != nil {
			return db.Err(err)
		}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			people[id] = true
		}
		rows.Close()
		if len(people) == 0 {
			return core.Invalid("scope", "nobody is in this scope")
		}
		c.PersonIDs = c.PersonIDs[:0]
		for id := range people {
			c.PersonIDs = append(c.PersonIDs, id)
		}
		if c.ID == "" {
			c.ID = core.NewID()
		}
		c.OrgID, c.CreatedAt, c.Status = orgID, time.Now().UTC(), competence.CampaignOpen
		var prev sql.NullString
		args := []any{orgID}
		for _, id := range c.PersonIDs {
			args = append(args, id)
		}
		if err := tx.QueryRowContext(ctx, `SELECT c.id FROM campaigns c WHERE c.org_id = $1 AND c.status = 'closed'
			AND EXISTS (SELECT 1 FROM campaign_people cp WHERE cp.campaign_id = c.id AND cp.org_id = $1 AND cp.person_id IN (`+In(2, len(c.PersonIDs))+`))
			ORDER BY c.closed_at DESC LIMIT 1`, args...).Scan(&prev); err != nil && err != sql.ErrNoRows {
			return db.Err(err)
		}
		c.PreviousID = prev.String
		if _, err := tx.ExecContext(ctx, `INSERT INTO campaigns (id, org_id, name, site_id, team_id, deadline, status, created_by, created_at, previous_id)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, c.ID, orgID, c.Name, nullable(c.SiteID), nullable(c.TeamID), Date(c.Deadline),
			string(c.Status), nullable(c.CreatedBy), T(c.CreatedAt), nullable(c.PreviousID)); err != nil {
			return db.Err(err)
		}
		var pr [][]any
		for _, id := range c.PersonIDs {
			pr = append(pr, []any{orgID, c.ID, id})
		}
		if err := batchInsert(ctx, tx, `INSERT INTO campaign_people (org_id, campaign_id, person_id)`, 3, pr, ``, nil); err != nil {
			return db.Err(err)
		}
		var cr [][]any
		for i, id := range c.CompetenceIDs {
			cr = append(cr, []any{orgID, c.ID, id, i})
		}
		return db.Err(batchInsert(ctx, tx, `INSERT INTO campaign_competences (org_id, campaign_id, competence_id, position)`, 4, cr, ``, nil))
	})
}

// Campaign returns a campaign of orgID with its people and competences.
// Errors: ENotFound.
func (db *DB) Campaign(ctx context.Context, orgID, id string) (*competence.Campaign, error) {
	c, err := scanCampaign(db.read.QueryRowContext(ctx, `SELECT `+campaignCols+` FROM campaigns c WHERE c.org_id = $1 AND c.id = $2`, orgID, id))
	if err != nil {
		return nil, db.Err(err)
	}
	if c.PersonIDs, err = db.strings(ctx, `SELECT cp.person_id FROM campaign_people cp JOIN people p ON p.id = cp.person_id AND p.org_id = cp.org_id
		WHERE cp.org_id = $1 AND cp.campaign_id = $2 ORDER BY p.name`, orgID, id); err != nil {
		return nil, err
	}
	if c.CompetenceIDs, err = db.strings(ctx, `SELECT competence_id FROM campaign_competences WHERE org_id = $1 AND campaign_id = $2 ORDER BY position`, orgID, id); err != nil {
		return nil, err
	}
	return c, nil
}

func (db *DB) strings(ctx context.Context, q string, args ...any) ([]string, error) {
	rows, err := db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, db.Err(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// Campaigns lists orgID's campaigns, newest first; with personID set, only
// those that person is in.
func (db *DB) Campaigns(ctx context.Context, orgID, personID string) ([]*competence.Campaign, error) {
	q := `SELECT ` + campaignCols + ` FROM campaigns c WHERE c.org_id = $1`
	args := []any{orgID}
	if personID != "" {
		q += ` AND c.id IN (SELECT campaign_id FROM campaign_people WHERE org_id = $1 AND person_id = $2)`
		args = append(args, personID)
	}
	rows, err := db.read.QueryContext(ctx, q+` ORDER BY c.created_at DESC, c.id DESC`, args...)
	if err != nil {
		return nil, db.Err(err)
	}
	defer rows.Close()
	var out []*competence.Campaign
	for rows.Next() {
		c, err := scanCampaign(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// CampaignProgress reports, per person in the campaign, how many of its
// competences they self-assessed and how many were validated within it.
func (db *DB) CampaignProgress(ctx context.Context, orgID, id string) ([]competence.Progress, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT p.id, p.name, COALESCE(p.team_id, ''), COALESCE(t.name, ''),
		(SELECT COUNT(*) FROM campaign_competences cc WHERE cc.org_id = $1 AND cc.campaign_id = $2),
		(SELECT COUNT(DISTINCT e.competence_id) FROM evidence e WHERE e.org_id = $1 AND e.campaign_id = $2 AND e.person_id = p.id AND e.kind = 'self_assessment'),
		(SELECT COUNT(DISTINCT e.competence_id) FROM evidence e WHERE e.org_id = $1 AND e.campaign_id = $2 AND e.person_id = p.id AND e.kind IN ('validation', 'assessment'))
		FROM campaign_people cp JOIN people p ON p.id = cp.person_id AND p.org_id = cp.org_id
		LEFT JOIN teams t ON t.id = p.team_id AND t.org_id = p.org_id
		WHERE cp.org_id = $1 AND cp.campaign_id = $2 ORDER BY COALESCE(t.name, ''), p.name`, orgID, id)
	if err != nil {
		return nil, db.Err(err)
	}
	defer rows.Close()
	var out []competence.Progress
	for rows.Next() {
		var p competence.Progress
		if err := rows.Scan(&p.PersonID, &p.PersonName, &p.TeamID, &p.TeamName, &p.Total, &p.SelfAssessed, &p.Validated); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// CloseCampaign closes an open campaign of orgID and keeps a snapshot of
// the current levels of its people in its competences. Errors: ENotFound,
// EConflict (already closed).
func (db *DB) CloseCampaign(ctx context.Context, orgID, id string, now time.Time) error {
	if _, err := db.RefreshExpired(ctx, orgID, now); err != nil {
		return err
	}
	return db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE campaigns SET status = 'closed', closed_at = $3 WHERE org_id = $1 AND id = $2 AND status = 'open'`, orgID, id, T(now))
		if err != nil {
			return db.Err(err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			var status string
			if err := tx.QueryRowContext(ctx, `SELECT status FROM campaigns WHERE org_id = $1 AND id = $2`, orgID, id).Scan(&status); err != nil {
				return db.Err(err)
			}
			return &core.Error{Code: core.EConflict, Message: "the campaign is already closed", Key: "campaign.already_closed"}
		}
		// Every pair in scope is kept, level 0 where nobody recorded anything.
		_, err = tx.ExecContext(ctx, `INSERT INTO campaign_snapshots (org_id, campaign_id, person_id, competence_id, level, validated)
			SELECT cp.org_id, cp.campaign_id, cp.person_id, cc.competence_id, COALESCE(l.level, 0), COALESCE(l.validated, FALSE)
			FROM campaign_people cp JOIN campaign_competences cc ON cc.campaign_id = cp.campaign_id AND cc.org_id = cp.org_id
			LEFT JOIN current_levels l ON l.org_id = cp.org_id AND l.person_id = cp.person_id AND l.competence_id = cc.competence_id
			WHERE cp.org_id = $1 AND cp.campaign_id = $2`, orgID, id)
		return db.Err(err)
	})
}

// CampaignSnapshot returns the levels frozen when a campaign of orgID
// closed (empty while it is open).
func (db *DB) CampaignSnapshot(ctx context.Context, orgID, id string) ([]competence.SnapshotRow, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT person_id, competence_id, level, validated FROM campaign_snapshots WHERE org_id = $1 AND campaign_id = $2`, orgID, id)
	if err != nil {
		return nil, db.Err(err)
	}
	defer rows.Close()
	var out []competence.SnapshotRow
	for rows.Next() {
		var r competence.SnapshotRow
		if err := rows.Scan(&r.PersonID, &r.CompetenceID, &r.Level, &r.Validated); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// CampaignChanges compares a campaign of orgID with the one before it: the
// previous snapshot against this campaign's snapshot when closed, or
// against the current levels while it is open. Only pairs present in both
// campaigns' scope are compared.
func (db *DB) CampaignChanges(ctx context.Context, orgID, id string, now time.Time) ([]competence.Change, error) {
	c, err := db.Campaign(ctx, orgID, id)
	if err != nil {
		return nil, err
	}
	if c.PreviousID == "" {
		return nil, nil
	}
	before, err := db.CampaignSnapshot(ctx, orgID, c.PreviousID)
	if err != nil {
		return nil, err
	}
	var after []competence.SnapshotRow
	if c.Status == competence.CampaignClosed {
		if after, err = db.CampaignSnapshot(ctx, orgID, id); err != nil {
			return nil, err
		}
	} else {
		cur, err := db.CurrentLevels(ctx, orgID, LevelFilter{PersonIDs: c.PersonIDs, CompetenceIDs: c.CompetenceIDs}, now)
		if err != nil {
			return nil, err
		}
		got := map[[2]string]competence.Current{}
		for _, l := range cur {
			got[[2]string{l.PersonID, l.CompetenceID}] = l
		}
		for _, p := range c.PersonIDs {
			for _, k := range c.CompetenceIDs {
				l := got[[2]string{p, k}]
				after = append(after, competence.SnapshotRow{PersonID: p, CompetenceID: k, Level: l.Level, Validated: l.Validated})
			}
		}
	}
	inAfter := map[[2]string]bool{}
	for _, r := range after {
		inAfter[[2]string{r.PersonID, r.CompetenceID}] = true
	}
	inBefore := map[[2]string]bool{}
	var b []competence.SnapshotRow
	for _, r := range before {
		if inAfter[[2]string{r.PersonID, r.CompetenceID}] {
			b = append(b, r)
			inBefore[[2]string{r.PersonID, r.CompetenceID}] = true
		}
	}
	var a []competence.SnapshotRow
	for _, r := range after {
		if inBefore[[2]string{r.PersonID, r.CompetenceID}] {
			a = append(a, r)
		}
	}
	return competence.Diff(b, a), nil
}

// CampaignMember reports whether personID is in campaign id of orgID.
func (db *DB) CampaignMember(ctx context.Context, orgID, id, personID string) (bool, error) {
	var n int
	err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM campaign_people WHERE org_id = $1 AND campaign_id = $2 AND person_id = $3`, orgID, id, personID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("campaign member: %w", db.Err(err))
	}
	return n > 0, nil
}

// OpenCampaignFor returns the id of the newest open campaign of orgID
// that covers personID and competenceID, or "" when none does: a
// validation made in the matrix counts towards that campaign's progress.
func (db *DB) OpenCampaignFor(ctx context.Context, orgID, personID, competenceID string) (string, error) {
	var id string
	err := db.read.QueryRowContext(ctx, `SELECT c.id FROM campaigns c
		JOIN campaign_people cp ON cp.campaign_id = c.id AND cp.org_id = c.org_id
		JOIN campaign_competences cc ON cc.campaign_id = c.id AND cc.org_id = c.org_id
		WHERE c.org_id = $1 AND c.status = 'open' AND cp.person_id = $2 AND cc.competence_id = $3
		ORDER BY c.created_at DESC LIMIT 1`, orgID, personID, competenceID).Scan(&id)
	if err == sql.ErrNoRows {
		return "", nil
	}
	return id, db.Err(err)
}
