package auth

import (
	"strings"
	"testing"
)

func TestHashAndCheck(t *testing.T) {
	h, err := HashSecret("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash %q is not argon2id with the documented parameters", h)
	}
	if !CheckSecret(h, "correct horse battery") {
		t.Fatal("the right secret does not match")
	}
	for _, wrong := range []string{"", "correct horse batter", "Correct horse battery"} {
		if CheckSecret(h, wrong) {
			t.Fatalf("%q matches", wrong)
		}
	}
	h2, _ := HashSecret("correct horse battery")
	if h == h2 {
		t.Fatal("two hashes of one secret are equal: no salt")
	}
	for _, bad := range []string{"", "plain", "$argon2id$v=19$m=x$a$b", "$bcrypt$..."} {
		if CheckSecret(bad, "") || CheckSecret(bad, "x") {
			t.Fatalf("malformed hash %q matches", bad)
		}
	}
}

func TestPolicies(t *testing.T) {
	for pw, ok := range map[string]bool{"short": false, "exactly10!": true, strings.Repeat("x", 201): false, "een hele lange zin": true} {
		if (ValidatePassword(pw) == nil) != ok {
			t.Errorf("ValidatePassword(%q): want ok=%v", pw, ok)
		}
	}
	for pin, ok := range map[string]bool{"123": false, "1234": true, "12345678": true, "123456789": false, "12a4": false, "": false} {
		if (ValidatePIN(pin) == nil) != ok {
			t.Errorf("ValidatePIN(%q): want ok=%v", pin, ok)
		}
	}
}

func TestTokens(t *testing.T) {
	a, b := NewToken(), NewToken()
	if a == b || len(a) < 40 {
		t.Fatalf("tokens %q %q", a, b)
	}
	again := a
	if TokenHash(a) == TokenHash(b) || TokenHash(a) != TokenHash(again) || len(TokenHash(a)) != 64 {
		t.Fatal("token hashes are not stable SHA-256 hex")
	}
}
