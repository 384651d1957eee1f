//go:build race

package esco_test

const raceEnabled = true
