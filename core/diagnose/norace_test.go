//go:build !race

package diagnose

// raceSlowdown widens timing budgets under the race detector.
const raceSlowdown = 1
