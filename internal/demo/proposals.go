package demo

import (
	"context"

	"github.com/bakenhq/baken/internal/competence"
	"github.com/bakenhq/baken/internal/openlearning"
	"github.com/bakenhq/baken/internal/store"
)

func init() {
	Register(Seeder{Order: 400, Name: "course proposals", Seed: seedProposals})
}

// seedProposals: Hofman has asked its partner university for a cobot
// welding course for line 3's operators, and the university has answered.
func seedProposals(ctx context.Context, db *store.DB, c *Company) error {
	need := func(query, nl, en string, level int) (openlearning.NeededCompetence, error) {
		found, _, err := db.Competences(ctx, c.Org.ID, competence.Filter{Query: query, Limit: 1})
		if err != nil {
			return openlearning.NeededCompetence{}, err
		}
		if len(found) == 0 {
			comp := &competence.Competence{Framework: competence.Own, NameNL: nl, NameEN: en, Layer: competence.New, Category: "Automatisering", Active: true}
			if err := db.CreateCompetence(ctx, c.Org.ID, comp); err != nil {
				return openlearning.NeededCompetence{}, err
			}
			found = append(found, comp)
		}
		return openlearning.NeededCompetence{CompetenceID: found[0].ID, Level: level}, nil
	}
	cobot, err := need("cobot", "Cobot programmeren", "Programming cobots", 2)
	if err != nil {
		return err
	}
	robotWeld, err := need("robot", "Robotlassen", "Robotic welding", 2)
	if err != nil {
		return err
	}
	hr := c.ByName["Marloes Bakker"]
	p := &openlearning.Proposal{ProviderID: c.Provider.ID, CreatedBy: hr.ID,
		Title: "Cobot-lassen voor operators lijn 3",
		Description: "In het derde kwartaal van 2027 start de cobot-lascel op lijn 3. Twaalf lassers en operators moeten de cel zelfstandig kunnen instellen, " +
			"lasprogramma's aanpassen en kleine storingen verhelpen. Liefst als flipped classroom: theorie online, praktijk bij ons op de vloer.",
		AudienceSize: 12, Timing: "voor de start van de cobotcel, Q3 2027", Format: "flipped",
		Competences: []openlearning.NeededCompetence{cobot, robotWeld}}
	if cobot.CompetenceID == robotWeld.CompetenceID {
		p.Competences = p.Competences[:1]
	}
	if err := db.CreateProposal(ctx, c.Org.ID, p); err != nil {
		return err
	}
	sophie := c.Staff[0]
	if err := db.ActOnProposal(ctx, c.Provider.ID, sophie.ID, p.ID, openlearning.EventComment,
		"Goed idee. Hebben de deelnemers al ervaring met MIG/MAG-lassen, en kunnen we een dag op jullie vloer oefenen met de cel?", ""); err != nil {
		return err
	}
	if err := db.ActOnProposal(ctx, c.Org.ID, hr.ID, p.ID, openlearning.EventComment,
		"Ja, allemaal lassers met minstens twee jaar MIG/MAG. Oefenen kan op zaterdagen, dan staat lijn 3 stil.", ""); err != nil {
		return err
	}
	return db.ActOnProposal(ctx, c.Provider.ID, sophie.ID, p.ID, openlearning.EventAccepted,
		"We ontwikkelen de cursus samen met Bart Meijer. Eerste versie in maart 2027.", "")
}
