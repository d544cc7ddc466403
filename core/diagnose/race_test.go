//go:build race

package diagnose

// raceSlowdown widens timing budgets: the race detector slows code 5–20×.
const raceSlowdown = 20
