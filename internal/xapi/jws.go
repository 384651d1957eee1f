package xapi

import (
	"crypto"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"

	_ "crypto/sha256" // RS256
	_ "crypto/sha512" // RS384, RS512
)

// verifySignature checks a signed statement's JWS (Data 2.6): a compact
// serialization, algorithm RS256, RS384 or RS512, a payload logically
// equivalent to the statement, and, when the header carries an X.509
// certificate (x5c), a signature that verifies against it.
func verifySignature(v Version, stmt map[string]any, jws []byte) error {
	parts := strings.Split(strings.TrimSpace(string(jws)), ".")
	if len(parts) != 3 {
		return errors.New("the signature is not a JWS in compact serialization")
	}
	hb, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[0], "="))
	if err != nil {
		return errors.New("the JWS header is not base64url")
	}
	var hdr struct {
		Alg string   `json:"alg"`
		X5C []string `json:"x5c"`
	}
	if err := json.Unmarshal(hb, &hdr); err != nil {
		return errors.New("the JWS header is not JSON")
	}
	var hash crypto.Hash
	switch hdr.Alg {
	case "RS256":
		hash = crypto.SHA256
	case "RS384":
		hash = crypto.SHA384
	case "RS512":
		hash = crypto.SHA512
	default:
		return errors.New("the JWS algorithm must be RS256, RS384 or RS512")
	}
	pb, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return errors.New("the JWS payload is not base64url")
	}
	var orig map[string]any
	if err := decodeJSON(pb, &orig); err != nil {
		return errors.New("the JWS payload is not a statement")
	}
	if ValidateStatement(v, orig) != nil || !sameStatement(orig, stmt) {
		return errors.New("the JWS payload does not match the statement")
	}
	sig, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[2], "="))
	if err != nil || len(sig) == 0 {
		return errors.New("the JWS signature is not base64url")
	}
	if len(hdr.X5C) > 0 {
		der, err := base64.StdEncoding.DecodeString(hdr.X5C[0])
		if err != nil {
			return errors.New("the JWS x5c certificate is not base64")
		}
		cert, err := x509.ParseCertificate(der)
		if err != nil {
			return errors.New("the JWS x5c certificate cannot be parsed")
		}
		pub, ok := cert.PublicKey.(*rsa.PublicKey)
		if !ok {
			return errors.New("the JWS x5c certificate has no RSA key")
		}
		h := hash.New()
		h.Write([]byte(parts[0] + "." + parts[1]))
		if err := rsa.VerifyPKCS1v15(pub, hash, h.Sum(nil), sig); err != nil {
			return errors.New("the JWS signature does not verify against its x5c certificate")
		}
	}
	return nil
}
