package store

import (
	"context"

	"github.com/bakenhq/baken/internal/tenancy"
)

// RoleProfileHolders lists the active people of orgID who hold the role
// profile, by name, in one query (the role page used to ask per person).
// An unknown profile has no holders.
func (db *DB) RoleProfileHolders(ctx context.Context, orgID, profileID string) ([]*tenancy.Person, error) {
	rows, err := db.read.QueryContext(ctx, personSelect+`
		JOIN person_role_profiles h ON h.person_id = p.id AND h.org_id = p.org_id
		WHERE p.org_id = $1 AND h.profile_id = $2 AND p.active = TRUE ORDER BY p.name, p.id`, orgID, profileID)
	if err != nil {
		return nil, db.Err(err)
	}
	defer rows.Close()
	var out []*tenancy.Person
	for rows.Next() {
		p, err := scanPerson(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}
