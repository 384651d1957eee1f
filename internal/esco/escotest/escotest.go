// Package escotest holds a tiny ESCO release in the official CSV format
// for the tests of every package that imports ESCO.
package escotest

// The concepts of TinyRelease.
const (
	Skill1      = "http://data.europa.eu/esco/skill/s1"
	Skill2      = "http://data.europa.eu/esco/skill/s2"
	Group1      = "http://data.europa.eu/esco/skill/g1"
	Occupation1 = "http://data.europa.eu/esco/occupation/o1"
	sk1, sk2    = Skill1, Skill2
	gr1, oc1    = Group1, Occupation1
)

// TinyRelease is a minimal, valid ESCO release in the official format,
// by file name: two skills, a group, an occupation and the relations.
func TinyRelease() map[string]string {
	coll := "conceptType,conceptUri,preferredLabel,status,skillType,reuseLevel,altLabels,description,broaderConceptUri,broaderConceptPT\n"
	return map[string]string{
		"skills_en.csv": "conceptType,conceptUri,skillType,reuseLevel,preferredLabel,altLabels,hiddenLabels,status,modifiedDate,scopeNote,definition,inScheme,description\n" +
			"KnowledgeSkillCompetence," + sk1 + ",skill/competence,sector-specific,weld metal,\"MIG welding\nTIG welding\",,released,,,,,\"Join metal, with heat.\"\n" +
			"KnowledgeSkillCompetence," + sk2 + ",knowledge,cross-sector,PLC programming,,,released,,,,,Program PLCs.\n",
		"skillGroups_en.csv": "conceptType,conceptUri,preferredLabel,altLabels,hiddenLabels,status,modifiedDate,scopeNote,inScheme,description,code\n" +
			"SkillGroup," + gr1 + ",working with metal,,,released,,,,Metal work.,S6.1\n",
		"skillsHierarchy_en.csv": "Level 0 URI,Level 0 preferred term,Level 1 URI,Level 1 preferred term,Level 2 URI,Level 2 preferred term,Level 3 URI,Level 3 preferred term,Description,Scope note,Level 0 code,Level 1 code,Level 2 code,Level 3 code\n" +
			gr1 + ",working with metal,,,,,,,,,S6,,,\n",
		"broaderRelationsSkillPillar.csv":    "conceptType,conceptUri,broaderType,broaderUri\nKnowledgeSkillCompetence," + sk1 + ",SkillGroup," + gr1 + "\n",
		"skillSkillRelations.csv":            "originalSkillUri,originalSkillType,relationType,relatedSkillType,relatedSkillUri\n" + sk1 + ",skill/competence,optional,knowledge," + sk2 + "\n",
		"digitalSkillsCollection_en.csv":     coll + "KnowledgeSkillCompetence," + sk2 + ",PLC programming,released,knowledge,cross-sector,,,,\n",
		"greenSkillsCollection_en.csv":       coll,
		"transversalSkillsCollection_en.csv": coll,
		"languageSkillsCollection_en.csv":    coll,
		"digCompSkillsCollection_en.csv":     coll,
		"researchSkillsCollection_en.csv":    coll,
		"occupations_en.csv": "conceptType,conceptUri,iscoGroup,preferredLabel,altLabels,hiddenLabels,status,modifiedDate,regulatedProfessionNote,scopeNote,definition,inScheme,description,code\n" +
			"Occupation," + oc1 + ",7212,welder,metal welder,,released,,,,,,Welds.,7212.1\n",
		"occupationSkillRelations.csv": "occupationUri,relationType,skillType,skillUri\n" +
			oc1 + ",essential,skill/competence," + sk1 + "\n" +
			oc1 + ",optional,knowledge," + sk2 + "\n" +
			"http://data.europa.eu/esco/occupation/gone,essential,knowledge," + sk2 + "\n",
	}
}
