package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/bakenhq/baken/internal/core"
	"github.com/bakenhq/baken/internal/openlearning"
)

// CreateProposal stores a company's course proposal to a partner provider.
// The competences must be in the company's catalogue and the provider must
// be a partner of kind provider. Errors: EInvalid.
func (db *DB) CreateProposal(ctx context.Context, orgID string, p *openlearning.Proposal) error {
	sc, err := db.Scale(ctx, orgID)
	if err != nil {
		return err
	}
	if err := p.Validate(sc.Max()); err != nil {
		return err
	}
	return db.Tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM partnerships pa JOIN organisations o ON o.id = pa.partner_id
			WHERE pa.org_id = $1 AND pa.partner_id = $2 AND o.kind = 'provider'`, orgID, p.ProviderID).Scan(&n); err != nil {
			return db.Err(err)
		}
		if n == 0 {
			return core.Invalid("provider_id", "is not a partner provider of this organisation")
		}
		for i, c := range p.Competences {
			err := tx.QueryRowContext(ctx, `SELECT name_nl, name_en FROM competences WHERE org_id = $1 AND id = $2`, orgID, c.CompetenceID).
				Scan(&p.Competences[i].NameNL, &p.Competences[i].NameEN)
			if err == sql.ErrNoRows {
				return core.Invalid("competences", "lists a competence that is not in this organisation's catalogue")
			}
			if err != nil {
				return db.Err(err)
			}
		}
		now := time.Now().UTC()
		p.ID, p.OrgID, p.Status, p.CreatedAt, p.UpdatedAt = core.NewID(), orgID, openlearning.Submitted, now, now
		if _, err := tx.ExecContext(ctx, `INSERT INTO course_proposals (id, org_id, provider_id, title, description, audience_size, timing, format, status, created_by, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
			p.ID, orgID, p.ProviderID, p.Title, p.Description, p.AudienceSize, p.Timing, p.Format, string(p.Status), nullable(p.CreatedBy), T(now), T(now)); err != nil {
			return db.Err(err)
		}
		for _, c := range p.Competences {
			if _, err := tx.ExecContext(ctx, `INSERT INTO course_proposal_competences (proposal_id, competence_id, name_nl, name_en, level) VALUES ($1, $2, $3, $4, $5)`,
				p.ID, c.CompetenceID, c.NameNL, c.NameEN, c.Level); err != nil {
				return db.Err(err)
			}
		}
		return db.addProposalEvent(ctx, tx, p.ID, orgID, p.CreatedBy, openlearning.EventSubmitted, "", now)
	})
}

func (db *DB) addProposalEvent(ctx context.Context, q Querier, proposalID, actorOrgID, actorID string, kind openlearning.EventKind, msg string, at time.Time) error {
	_, err := q.ExecContext(ctx, `INSERT INTO course_proposal_events (id, proposal_id, at, actor_org_id, actor_id, kind, message) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		core.NewID(), proposalID, T(at), actorOrgID, nullable(actorID), string(kind), msg)
	return db.Err(err)
}

const proposalSelect = `SELECT p.id, p.org_id, p.provider_id, p.title, p.description, p.audience_size, p.timing, p.format, p.status,
	COALESCE(p.created_by, ''), p.created_at, p.updated_at, COALESCE(p.offer_item_id, ''), o.name, pr.name, COALESCE(c.name, '')
	FROM course_proposals p
	JOIN organisations o ON o.id = p.org_id
	JOIN organisations pr ON pr.id = p.provider_id
	LEFT JOIN people c ON c.id = p.created_by AND c.org_id = p.org_id`

func scanProposal(row interface{ Scan(...any) error }) (*openlearning.Proposal, error) {
	var p openlearning.Proposal
	err := row.Scan(&p.ID, &p.OrgID, &p.ProviderID, &p.Title, &p.Description, &p.AudienceSize, &p.Timing, &p.Format, &p.Status,
		&p.CreatedBy, Time{&p.CreatedAt}, Time{&p.UpdatedAt}, &p.OfferItemID, &p.OrgName, &p.ProviderName, &p.CreatedByName)
	return &p, err
}

// Proposals lists the proposals orgID made (as a company) or received (as a
// provider), newest activity first.
func (db *DB) Proposals(ctx context.Context, orgID string) ([]*openlearning.Proposal, error) {
	rows, err := db.read.QueryContext(ctx, proposalSelect+` WHERE p.org_id = $1 OR p.provider_id = $1 ORDER BY p.updated_at DESC`, orgID)
	if err != nil {
		return nil, db.Err(err)
	}
	defer rows.Close()
	var out []*openlearning.Proposal
	for rows.Next() {
		p, err := scanProposal(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// Proposal returns a proposal that orgID made or received, with its
// competences and history. Errors: ENotFound (also for any other
// organisation).
func (db *DB) Proposal(ctx context.Context, orgID, id string) (*openlearning.Proposal, error) {
	p, err := scanProposal(db.read.QueryRowContext(ctx, proposalSelect+` WHERE p.id = $2 AND (p.org_id = $1 OR p.provider_id = $1)`, orgID, id))
	if err != nil {
		return nil, db.Err(err)
	}
	rows, err := db.read.QueryContext(ctx, `SELECT competence_id, name_nl, name_en, level FROM course_proposal_competences WHERE proposal_id = $1 ORDER BY name_en`, id)
	if err != nil {
		return nil, db.Err(err)
	}
	defer rows.Close()
	for rows.Next() {
		var c openlearning.NeededCompetence
		if err := rows.Scan(&c.CompetenceID, &c.NameNL, &c.NameEN, &c.Level); err != nil {
			return nil, err
		}
		p.Competences = append(p.Competences, c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	ev, err := db.read.QueryContext(ctx, `SELECT e.id, e.proposal_id, e.at, e.actor_org_id, COALESCE(e.actor_id, ''), COALESCE(pe.name, ''), o.name, e.kind, e.message
		FROM course_proposal_events e
		JOIN organisations o ON o.id = e.actor_org_id
		LEFT JOIN people pe ON pe.id = e.actor_id AND pe.org_id = e.actor_org_id
		WHERE e.proposal_id = $1 ORDER BY e.at, e.id`, id)
	if err != nil {
		return nil, db.Err(err)
	}
	defer ev.Close()
	for ev.Next() {
		var e openlearning.ProposalEvent
		if err := ev.Scan(&e.ID, &e.ProposalID, Time{&e.At}, &e.ActorOrgID, &e.ActorID, &e.ActorName, &e.ActorOrg, &e.Kind, &e.Message); err != nil {
			return nil, err
		}
		p.Events = append(p.Events, e)
	}
	return p, ev.Err()
}

// ActOnProposal records a step by a person of orgID (comment, accept,
// decline, offer, withdraw) if the proposal's rules allow it, and moves the
// status along. offerItemID links the course offer for EventOffered.
// Errors: ENotFound, EForbidden (not allowed now), EInvalid.
func (db *DB) ActOnProposal(ctx context.Context, orgID, actorID, id string, kind openlearning.EventKind, msg, offerItemID string) error {
	if len(msg) > 5000 {
		return core.Invalid("message", "is at most 5000 characters")
	}
	if kind == openlearning.EventComment && msg == "" {
		return core.Invalid("message", "write a message")
	}
	return db.Tx(ctx, func(tx *sql.Tx) error {
		var p openlearning.Proposal
		err := tx.QueryRowContext(ctx, `SELECT id, org_id, provider_id, status FROM course_proposals WHERE id = $2 AND (org_id = $1 OR provider_id = $1)`, orgID, id).
			Scan(&p.ID, &p.OrgID, &p.ProviderID, &p.Status)
		if err != nil {
			return db.Err(err)
		}
		side := p.SideOf(orgID)
		if !p.CanAct(side, kind) {
			return core.Forbidden("do this with the proposal now")
		}
		now := time.Now().UTC()
		status := p.StatusAfter(side, kind)
		if _, err := tx.ExecContext(ctx, `UPDATE course_proposals SET status = $2, updated_at = $3, offer_item_id = COALESCE($4, offer_item_id) WHERE id = $1`,
			id, string(status), T(now), nullable(offerItemID)); err != nil {
			return db.Err(err)
		}
		return db.addProposalEvent(ctx, tx, id, orgID, actorID, kind, msg, now)
	})
}

// PartnerProviders lists the partners of orgID that are providers.
func (db *DB) PartnerProviders(ctx context.Context, orgID string) ([]ProviderRef, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT o.id, o.name FROM partnerships pa JOIN organisations o ON o.id = pa.partner_id
		WHERE pa.org_id = $1 AND o.kind = 'provider' ORDER BY o.name`, orgID)
	if err != nil {
		return nil, db.Err(err)
	}
	defer rows.Close()
	var out []ProviderRef
	for rows.Next() {
		var r ProviderRef
		if err := rows.Scan(&r.ID, &r.Name); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// ProviderRef names an organisation.
type ProviderRef struct{ ID, Name string }
