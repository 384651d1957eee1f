package project

import "time"

// NoticeKind is what a notification is about. The UI translates
// "notice.<kind>" with the subject's title.
type NoticeKind string

const (
	NoticeReviewRequest NoticeKind = "review_request" // a lesson waits for your review
	NoticeInvitation    NoticeKind = "invitation"     // you are invited to a project
	NoticeApplication   NoticeKind = "application"    // someone volunteered for your project
	NoticeAccepted      NoticeKind = "accepted"       // your application or invitation was accepted
	NoticeJoined        NoticeKind = "joined"         // your invitee joined
	NoticeNewLesson     NoticeKind = "new_lesson"     // a new lesson on a place where you work
	NoticeValidate      NoticeKind = "validate"       // project work of your team waits for validation
	NoticeReflect       NoticeKind = "reflect"        // a milestone or the end: time to reflect
	NoticePublished     NoticeKind = "published"      // your lesson was published
	NoticeSentBack      NoticeKind = "sent_back"      // your lesson was sent back
)

// Notification is an in-app message to one person.
type Notification struct {
	ID        string
	OrgID     string
	PersonID  string
	Kind      NoticeKind
	Subject   string // the title it is about, in its own language
	URL       string // where it leads (a path in the UI)
	CreatedAt time.Time
	ReadAt    time.Time
	EmailedAt time.Time
}
