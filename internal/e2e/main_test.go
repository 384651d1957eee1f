package e2e

import (
	"os"
	"testing"

	"github.com/bakenhq/baken/internal/app/apptest"
)

// TestMain seeds the demo once per engine and gives every test a copy.
func TestMain(m *testing.M) { os.Exit(apptest.Main(m)) }
