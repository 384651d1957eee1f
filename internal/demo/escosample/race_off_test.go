//go:build !race

package escosample_test

const raceEnabled = false
