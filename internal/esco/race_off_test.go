//go:build !race

package esco_test

const raceEnabled = false
